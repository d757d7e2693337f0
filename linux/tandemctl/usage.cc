// Usage errors that name what was wrong. See usage.h.
#include "usage.h"

#include <string>
#include <vector>

namespace tandemctl {
namespace {

// The commands from the top level down to the deepest one the parser entered.
std::vector<const CLI::App*> ParsedPath(const CLI::App& app) {
  std::vector<const CLI::App*> path = {&app};
  while (!path.back()->get_subcommands().empty()) path.push_back(path.back()->get_subcommands()[0]);
  return path;
}

// "tandemctl gpio set", as the user would type it.
std::string CommandLine(const std::vector<const CLI::App*>& path, size_t depth) {
  std::string line = "tandemctl";
  for (size_t i = 1; i <= depth; ++i) line += " " + path[i]->get_name();
  return line;
}

// "set, get, toggle, configure": the commands `app` takes, in the order --help lists them.
std::string CommandNames(const CLI::App& app) {
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return names;
}

}  // namespace

libtandem::Error DescribeUsageError(const CLI::App& app, const CLI::ParseError& e) {
  using libtandem::Errc;
  const std::vector<const CLI::App*> path = ParsedPath(app);
  // The first word, in command-line order, that no command took: each App keeps its own.
  for (size_t depth = 0; depth < path.size(); ++depth) {
    const std::vector<std::string> words = path[depth]->remaining();
    if (words.empty()) continue;
    const CLI::App& owner = *path[depth];
    const std::string& word = words.front();
    const std::string where = "`" + CommandLine(path, depth) + "`";
    const std::string hint = "run `" + CommandLine(path, depth) + " --help`";
    if (word.size() > 1 && word[0] == '-') {
      return {Errc::kUsage, "unknown option '" + word + "' for " + where, hint};
    }
    if (!owner.get_subcommands([](const CLI::App*) { return true; }).empty() &&
        owner.get_subcommands().empty()) {
      return {Errc::kUsage,
              "unknown command '" + word + "' for " + where + " (expected one of " +
                  CommandNames(owner) + ")",
              hint};
    }
    return {Errc::kUsage, "unexpected argument '" + word + "' for " + where, hint};
  }
  const CLI::App& deepest = *path.back();
  const std::string line = CommandLine(path, path.size() - 1);
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
      deepest.get_require_subcommand_min() > 0 && deepest.get_subcommands().empty()) {
    if (path.size() == 1) {
      return {Errc::kUsage, "no command given: expected one of " + CommandNames(deepest),
              "run `tandemctl --help`"};
    }
    return {Errc::kUsage, "`" + line + "` needs a command: one of " + CommandNames(deepest),
            "run `" + line + " --help`"};
  }
  // CLI11's own message names the option or argument (a value out of range, a missing one); it
  // may belong to any command on the path, so point at the deepest one's help and the top's.
  return {Errc::kUsage, e.what(),
          path.size() == 1 ? "run `tandemctl --help`"
                           : "run `" + line +
                                 " --help` (or `tandemctl --help` for the options "
                                 "before the command)"};
}

}  // namespace tandemctl
