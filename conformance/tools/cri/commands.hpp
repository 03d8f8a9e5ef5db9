// runz-cri's commands. Each takes its own options and operands from `args` (the words after the command
// name), prints its result on stdout and returns the exit status. Failures escape as UsageError (exit 2),
// RpcError or InputError (exit 1).
#pragma once

#include "args.hpp"
#include "rpc.hpp"

namespace runz::cri {

// info_commands.cpp
int cmd_version(Session& session, Args& args);   // version
int cmd_images(Session& session, Args& args);    // images
int cmd_inspecti(Session& session, Args& args);  // inspecti IMAGE

// pod_commands.cpp
int cmd_runp(Session& session, Args& args);      // runp [--runtime HANDLER] POD.json
int cmd_stopp(Session& session, Args& args);     // stopp POD_ID
int cmd_rmp(Session& session, Args& args);       // rmp POD_ID
int cmd_pods(Session& session, Args& args);      // pods
int cmd_inspectp(Session& session, Args& args);  // inspectp [--verbose] POD_ID

// container_commands.cpp
int cmd_create(Session& session, Args& args);    // create POD_ID CONTAINER.json POD.json
int cmd_start(Session& session, Args& args);     // start CID
int cmd_stop(Session& session, Args& args);      // stop [--timeout S] CID
int cmd_rm(Session& session, Args& args);        // rm CID
int cmd_ps(Session& session, Args& args);        // ps [--pod POD_ID]
int cmd_inspect(Session& session, Args& args);   // inspect [--verbose] CID

// exec_command.cpp
int cmd_exec(Session& session, Args& args);      // exec CID [--] CMD [ARG...]

}  // namespace runz::cri
