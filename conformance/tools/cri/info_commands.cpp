// version, images, inspecti: what the CRI server is and which images it sees.
#include <cstdio>

#include "commands.hpp"
#include "json_io.hpp"

namespace runz::cri {

namespace v1 = runtime::v1;

int cmd_version(Session& session, Args& args) {
  args.expect_end();
  v1::VersionRequest request;
  request.set_version("v1");
  auto reply = call(session.runtime, &v1::RuntimeService::Stub::Version, request, session.timeout);
  std::printf("Version:  %s\nRuntimeName:  %s\nRuntimeVersion:  %s\nRuntimeApiVersion:  %s\n",
              reply.version().c_str(), reply.runtime_name().c_str(), reply.runtime_version().c_str(),
              reply.runtime_api_version().c_str());
  return 0;
}

// One line per image: ID TAG,TAG... ("-" when it has no tag).
int cmd_images(Session& session, Args& args) {
  args.expect_end();
  auto reply = call(session.images, &v1::ImageService::Stub::ListImages, v1::ListImagesRequest{}, session.timeout);
  for (const auto& image : reply.images()) {
    std::string tags;
    for (const auto& tag : image.repo_tags()) tags += (tags.empty() ? "" : ",") + tag;
    std::printf("%s %s\n", image.id().c_str(), tags.empty() ? "-" : tags.c_str());
  }
  return 0;
}

int cmd_inspecti(Session& session, Args& args) {
  v1::ImageStatusRequest request;
  request.mutable_image()->set_image(args.take("image reference"));
  args.expect_end();
  auto reply = call(session.images, &v1::ImageService::Stub::ImageStatus, request, session.timeout);
  if (!reply.has_image()) throw InputError("image `" + request.image().image() + "` is not present");
  std::fputs(to_json(reply).c_str(), stdout);
  return 0;
}

}  // namespace runz::cri
