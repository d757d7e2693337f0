// oilc: the OIL 2.5 configuration compiler of Tandem RT. See docs/oil.md.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "compiler.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInputError = 1;
constexpr int kExitUsage = 2;

void Usage(std::ostream& out) {
  out << "usage: oilc [-I DIR]... [--stack-min BYTES] [--depfile FILE] -o OUTDIR FILE.oil\n"
         "            [--schedulability=off|report|error] [--schedulability-report FILE]\n"
         "            [--overhead NAME=NS]...\n"
         "       oilc --help | --version\n\n"
         "Reads an OIL 2.5 application and writes OUTDIR/os_cfg.h and OUTDIR/os_cfg.cc, the\n"
         "static configuration of Tandem RT (files are rewritten only if their content "
         "changes).\n\n"
         "  -I DIR             search DIR for #include files (after the including file's\n"
         "                     directory for \"file\", before it for <file>)\n"
         "  --stack-min BYTES  raise every task's STACKSIZE to at least BYTES\n"
         "  --depfile FILE     also write FILE: a Makefile rule naming every OIL file read\n"
         "                     (the input and its #includes), for make and ninja\n"
         "  -o OUTDIR          output directory (created if missing)\n"
         "  --schedulability=MODE\n"
         "                     response-time analysis of the tasks and ISRs with a WCET\n"
         "                     (docs/oil.md, \"Schedulability\"): off (default, silent),\n"
         "                     report (print the table on stdout, a miss is a warning) or\n"
         "                     error (a miss is an error: exit 1, nothing written)\n"
         "  --schedulability-report FILE\n"
         "                     also write the table to FILE (with report or error), for\n"
         "                     tests that compare it with measurements\n"
         "  --overhead NAME=NS replace a kernel overhead the analysis charges, in\n"
         "                     nanoseconds: tick, job, isr, resource, or all (defaults: the\n"
         "                     measured arm64 P4 figures x2 at 1000 instructions/us:\n"
         "                     tick=2358 job=1284 isr=3434 resource=480)\n\n"
         "Exit status: 0 ok (warnings allowed), 1 errors in the input, 2 bad usage.\n";
}

// Make's rule syntax: a space or '#' in a path is escaped with a backslash, '$' doubled.
std::string DepfilePath(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

bool WriteDepfile(const std::string& path, const std::vector<std::string>& targets,
                  const std::vector<std::string>& inputs) {
  std::string rule;
  for (const std::string& t : targets) rule += (rule.empty() ? "" : " ") + DepfilePath(t);
  rule += ":";
  for (const std::string& in : inputs) rule += " \\\n  " + DepfilePath(in);
  return oilc::WriteIfChanged(path, rule + "\n");
}

// "NAME=NS" of --overhead into `o`; false if malformed.
bool SetOverhead(const std::string& spec, oilc::Overheads& o) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos) return false;
  const std::string name = spec.substr(0, eq), n = spec.substr(eq + 1);
  char* end = nullptr;
  const unsigned long long v = std::strtoull(n.c_str(), &end, 10);
  if (n.empty() || *end != '\0' || n[0] == '-' || v > 1000000000ull) return false;
  if (name == "tick" || name == "all") o.tick_ns = v;
  if (name == "job" || name == "all") o.job_ns = v;
  if (name == "isr" || name == "all") o.isr_ns = v;
  if (name == "resource" || name == "all") o.resource_ns = v;
  return name == "tick" || name == "job" || name == "isr" || name == "resource" || name == "all";
}

int BadUsage(const std::string& what) {
  std::cerr << "oilc: " << what << "\n";
  Usage(std::cerr);
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  oilc::CompileOptions options;
  std::string out_dir;
  std::string depfile;
  std::string report_file;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      Usage(std::cout);
      return kExitOk;
    } else if (a == "--version") {
      std::cout << "oilc " << OILC_VERSION << " (OIL 2.5, Tandem RT)\n";
      return kExitOk;
    } else if (a == "-I") {
      std::string dir;
      if (!value(dir)) return BadUsage("-I needs a directory");
      options.include_dirs.push_back(dir);
    } else if (a.rfind("-I", 0) == 0) {
      options.include_dirs.push_back(a.substr(2));
    } else if (a == "--depfile") {
      if (!value(depfile)) return BadUsage("--depfile needs a file name");
    } else if (a == "-o") {
      if (!value(out_dir)) return BadUsage("-o needs a directory");
    } else if (a == "--stack-min") {
      std::string n;
      if (!value(n)) return BadUsage("--stack-min needs a number of bytes");
      char* end = nullptr;
      const unsigned long long v = std::strtoull(n.c_str(), &end, 0);
      if (n.empty() || *end != '\0' || v > 0xFFFFFFFFull || n[0] == '-') {
        return BadUsage("--stack-min: '" + n + "' is not a number of bytes");
      }
      options.stack_min = static_cast<uint32_t>(v);
    } else if (a == "--schedulability" || a.rfind("--schedulability=", 0) == 0) {
      std::string mode;
      if (a == "--schedulability") {
        if (!value(mode)) return BadUsage("--schedulability needs off, report or error");
      } else {
        mode = a.substr(std::string("--schedulability=").size());
      }
      if (mode == "off") {
        options.schedulability = oilc::SchedulabilityMode::kOff;
      } else if (mode == "report") {
        options.schedulability = oilc::SchedulabilityMode::kReport;
      } else if (mode == "error") {
        options.schedulability = oilc::SchedulabilityMode::kError;
      } else {
        return BadUsage("--schedulability: '" + mode + "' is not off, report or error");
      }
    } else if (a == "--schedulability-report") {
      if (!value(report_file)) return BadUsage("--schedulability-report needs a file name");
    } else if (a == "--overhead") {
      std::string spec;
      if (!value(spec) || !SetOverhead(spec, options.overheads)) {
        return BadUsage("--overhead: '" + spec +
                        "' is not NAME=NANOSECONDS with NAME tick, job, isr, resource or all");
      }
    } else if (!a.empty() && a[0] == '-') {
      return BadUsage("unknown option '" + a + "'");
    } else if (options.input.empty()) {
      options.input = a;
    } else {
      return BadUsage("more than one input file ('" + options.input + "', '" + a + "')");
    }
  }
  if (options.input.empty()) return BadUsage("no input file");
  if (!report_file.empty() && options.schedulability == oilc::SchedulabilityMode::kOff) {
    return BadUsage("--schedulability-report needs --schedulability=report or error");
  }
  if (out_dir.empty()) return BadUsage("no output directory (-o OUTDIR)");

  // Every file the compiler managed to read, in order: what the outputs depend on.
  std::vector<std::string> read_files;
  options.reader = [&read_files, disk = oilc::DiskReader()](const std::string& path) {
    std::optional<std::string> text = disk(path);
    if (text) read_files.push_back(path);
    return text;
  };
  oilc::CompileResult result = oilc::Compile(options);
  if (options.schedulability == oilc::SchedulabilityMode::kReport) {
    std::cout << result.schedulability_table << std::flush;
  }
  for (const oilc::Diagnostic& d : result.diagnostics.all()) {
    std::cerr << oilc::Diagnostics::Format(d) << "\n";
  }
  if (!result.ok) {
    std::cerr << "oilc: " << result.diagnostics.error_count() << " error(s), nothing written\n";
    return kExitInputError;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  for (const auto& [name, content] :
       {std::pair<const char*, const std::string&>{"os_cfg.h", result.output.header},
        {"os_cfg.cc", result.output.source}}) {
    const std::string path = out_dir + "/" + name;
    if (!oilc::WriteIfChanged(path, content)) {
      return BadUsage("cannot write " + path + " (is -o " + out_dir + " a writable directory?)");
    }
  }
  if (!report_file.empty() && !oilc::WriteIfChanged(report_file, result.schedulability_table)) {
    return BadUsage("cannot write --schedulability-report " + report_file);
  }
  if (!depfile.empty() &&
      !WriteDepfile(depfile, {out_dir + "/os_cfg.h", out_dir + "/os_cfg.cc"}, read_files)) {
    return BadUsage("cannot write --depfile " + depfile);
  }
  return kExitOk;
}
