// Which mode bits a zone may give the files it makes on the host.
//
// Set-id bits never come from the zone: a zone that could create a mode-4755 file owned by uid 0 in a
// writable export would leave a set-uid-root program on dom0 for anyone who can reach the export's
// directory. There is no per-export knob to allow them (nothing in OCI mounts says a bind mount may carry
// set-id files, and a `nosuid` export must never), so S_ISUID and S_ISGID are stripped from every mode the
// zone asks for: Tlcreate, Tmkdir, Tmknod, Tsetattr. S_ISVTX (sticky) is kept on directories only, where it
// means "only owners delete" (/tmp); on a file it means nothing on Linux. A file that already has set-id
// bits loses them when the zone opens it for writing or truncates it, as Linux does for an unprivileged
// writer, so an image's set-uid program cannot be rewritten into the zone's own.
#pragma once

#include <sys/stat.h>

#include <cstdint>

namespace runz::p9 {

// The permission bits (07777 at most) the server applies for a requested `mode`.
mode_t permitted_mode(uint32_t mode, bool is_dir) noexcept;

// Clears S_ISUID/S_ISGID of the regular file `opath_fd` (whose stat is `st`) if it has any. Throws OpError.
void drop_setid_for_write(int opath_fd, const struct stat& st);

}  // namespace runz::p9
