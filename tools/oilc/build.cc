#include "build.h"

#include <cctype>
#include <map>
#include <set>

#include "checks.h"
#include "events.h"
#include "names.h"
#include "priority.h"
#include "timing.h"

namespace oilc {
namespace {

// A checked parameter's value, or nullptr if absent or rejected.
const Param* Get(const std::vector<Param>& params, const char* name) {
  const Param* p = FindParam(params, name);
  return p != nullptr && !p->invalid ? p : nullptr;
}
uint32_t U32(const Param* p) { return static_cast<uint32_t>(p->value.number.magnitude); }
uint64_t U64(const Param* p) { return p->value.number.magnitude; }
bool IsTrue(const Param* p) { return p != nullptr && p->value.text == "TRUE"; }

class Builder {
 public:
  Builder(const ImplementationModel& impl, const BuildOptions& options, Model& model,
          Diagnostics& diags)
      : impl_(impl), options_(options), m_(model), diags_(diags) {}

  void Run(const OilFile& file, const Location& file_location) {
    if (file.cpus.empty()) {
      diags_.Error(file_location, "no CPU in the application",
                   "an application part 'CPU <name> { ... };'");
      return;
    }
    for (size_t i = 1; i < file.cpus.size(); ++i) {
      diags_.Error(
          file.cpus[i].location,
          "second CPU '" + file.cpus[i].name + "' (the first is '" + file.cpus[0].name + "')",
          "exactly one CPU per application (Tandem RT runs one OSEK CPU per domain)");
    }
    const Cpu& cpu = file.cpus[0];
    m_.cpu_name = cpu.name;
    m_.cpu_location = cpu.location;
    m_.app_modes.push_back({"OSDEFAULTAPPMODE", cpu.location, {}});
    m_.resources.push_back(
        {"RES_SCHEDULER", cpu.location, ResourceKind::kStandard, {}, 0, kNoId, std::nullopt, {}});
    ids_["APPMODE"]["OSDEFAULTAPPMODE"] = 0;
    ids_["RESOURCE"]["RES_SCHEDULER"] = 0;

    bool have_os = false;
    for (const ObjectDef& obj : cpu.objects) {
      if (!IsSupportedObjectType(obj.type)) {
        diags_.Warning(obj.type_location, obj.type + " " + obj.name +
                                              ": OSEK COM/NM objects are not supported by "
                                              "Tandem RT, ignored");
        continue;
      }
      const std::vector<AttrDef>* defs = impl_.Find(obj.type);
      static const std::vector<AttrDef> kNoDefs;
      const std::string owner = obj.type + " " + obj.name;
      std::vector<Param> params = impl_.Check(owner, defs ? *defs : kNoDefs, obj.params, diags_);
      RejectAuto(obj.type, owner, params);
      if (obj.type == "OS") {
        if (have_os) {
          diags_.Error(obj.name_location, "second OS object '" + obj.name + "'",
                       "exactly one OS object in CPU " + cpu.name);
          continue;
        }
        have_os = true;
        Os(obj, params);
        continue;
      }
      if (!Declare(obj)) continue;
      if (obj.type == "APPMODE") AppMode(obj);
      if (obj.type == "TASK") Task(obj, params);
      if (obj.type == "ISR") Isr(obj, params);
      if (obj.type == "RESOURCE") Resource(obj, params);
      if (obj.type == "EVENT") Event(obj, params);
      if (obj.type == "COUNTER") Counter(obj, params);
      if (obj.type == "ALARM") Alarm(obj, params);
    }
    if (!have_os) {
      diags_.Error(cpu.location, "CPU " + cpu.name + " has no OS object",
                   "'OS <name> { ... };' in CPU " + cpu.name);
    }
    NumberAppModes();
    if (m_.app_modes.size() > kMaxAppModes) {
      diags_.Error(m_.app_modes[kMaxAppModes].location, "too many APPMODEs",
                   "at most " + std::to_string(kMaxAppModes) + " including OSDEFAULTAPPMODE");
    }
    if (m_.resources.size() > 64) {
      diags_.Error(m_.resources[64].location, "too many RESOURCEs",
                   "at most 64 including RES_SCHEDULER (resource access is a 64-bit mask)");
    }
    Resolve();
  }

 private:
  // ---- collection ----

  // An implementation part may declare any attribute WITH_AUTO, but oilc only knows how to choose
  // an EVENT's MASK; any other AUTO value is an error rather than a silent guess.
  void RejectAuto(const std::string& type, const std::string& owner, std::vector<Param>& params) {
    for (Param& p : params) {
      if (p.invalid) continue;
      if (p.value.kind == Value::Kind::kAuto && !(type == "EVENT" && p.name == "MASK")) {
        diags_.Error(p.value.location,
                     "AUTO for " + p.name + " of " + owner + " (oilc chooses only EVENT MASKs)",
                     "a concrete value");
        p.invalid = true;
      }
      RejectAuto(type, p.name + " = " + p.value.text + " of " + owner, p.value.params);
    }
  }

  // os_cfg.h defines the macro `std` for C only: in C++ it would hide namespace std.
  void WarnStd(const std::string& type, const Location& at) {
    diags_.Warning(at, type +
                           " std has no identifier in C++ code (a macro std would hide "
                           "namespace std); C code names it std");
  }

  bool Declare(const ObjectDef& obj) {
    if (obj.name == "std" && obj.type != "APPMODE") WarnStd(obj.type, obj.name_location);
    if (obj.type == "RESOURCE" && obj.name == "RES_SCHEDULER") return true;
    if (obj.type == "APPMODE" && obj.name == "OSDEFAULTAPPMODE") return true;
    if (IsReservedName(obj.name)) {
      diags_.Error(obj.name_location,
                   "object name '" + obj.name +
                       "' is reserved (a C/C++ keyword or a name of "
                       "os.h or the generated code)",
                   "another name");
      return false;
    }
    auto [it, inserted] = names_.emplace(obj.name, std::make_pair(obj.type, obj.name_location));
    if (!inserted) {
      const Location& first = it->second.second;
      diags_.Error(obj.name_location,
                   "duplicate object name '" + obj.name + "' (already " + A(it->second.first) +
                       " at " + first.file + ":" + std::to_string(first.line) + ":" +
                       std::to_string(first.column) + ")",
                   "a name not used by any other object");
      return false;
    }
    return true;
  }

  int NextId(const std::string& type, const std::string& name, size_t id) {
    ids_[type][name] = static_cast<int>(id);
    return static_cast<int>(id);
  }

  // A required attribute: reports "<owner> has no <name>" at the object's name when missing.
  const Param* Require(const ObjectDef& obj, const std::vector<Param>& params, const char* name,
                       const std::string& example) {
    const Param* p = FindParam(params, name);
    if (p == nullptr) {
      diags_.Error(
          obj.name_location, obj.type + " " + obj.name + " has no " + name,
          "'" + std::string(name) + " = " + example + ";' in " + obj.type + " " + obj.name);
      return nullptr;
    }
    return p->invalid ? nullptr : p;
  }

  // Same, inside an ENUM/BOOLEAN value's parameters.
  const Param* RequireNested(const Param& outer, const std::string& owner, const char* name,
                             const std::string& example) {
    const Param* p = FindParam(outer.value.params, name);
    if (p == nullptr) {
      diags_.Error(
          outer.value.location,
          outer.name + " = " + outer.value.text + " of " + owner + " has no " + name,
          "'" + outer.name + " = " + outer.value.text + " { " + name + " = " + example + "; }'");
      return nullptr;
    }
    return p->invalid ? nullptr : p;
  }

  static std::vector<Ref> Refs(const std::vector<Param>& params, const char* name) {
    std::vector<Ref> refs;
    for (const Param* p : FindParams(params, name)) {
      if (!p->invalid) refs.push_back({p->value.text, p->value.location, kNoId});
    }
    return refs;
  }

  static Ref OneRef(const Param* p) {
    return p ? Ref{p->value.text, p->value.location, kNoId} : Ref{};
  }

  void Os(const ObjectDef& obj, const std::vector<Param>& params) {
    oilc::Os& os = m_.os;
    os.name = obj.name;
    const Param* status = Get(params, "STATUS");
    os.extended_status = status != nullptr && status->value.text == "EXTENDED";
    os.startup_hook = IsTrue(Get(params, "STARTUPHOOK"));
    os.error_hook = IsTrue(Get(params, "ERRORHOOK"));
    os.shutdown_hook = IsTrue(Get(params, "SHUTDOWNHOOK"));
    os.pre_task_hook = IsTrue(Get(params, "PRETASKHOOK"));
    os.post_task_hook = IsTrue(Get(params, "POSTTASKHOOK"));
    os.use_get_service_id = IsTrue(Get(params, "USEGETSERVICEID"));
    os.use_parameter_access = IsTrue(Get(params, "USEPARAMETERACCESS"));
    if (const Param* p = Get(params, "TIMERPRIORITY")) {
      os.timer_priority = U32(p);
      os.timer_priority_location = p->value.location;
    }
  }

  void AppMode(const ObjectDef& obj) {
    if (obj.name == "OSDEFAULTAPPMODE") {  // always mode 0 (os.h defines it)
      m_.app_modes[0].location = obj.name_location;
      default_mode_declared_ = true;
      return;
    }
    declared_modes_.push_back({obj.name, obj.name_location, {}});
  }

  // Numbers the declared modes once all are known. OSDEFAULTAPPMODE is mode 0. When the file
  // declares modes but never names OSDEFAULTAPPMODE (the usual OIL for other OSEK kernels:
  // `APPMODE std {};`, AUTOSTART in std, StartOS(OSDEFAULTAPPMODE)), the first declared mode is
  // OSDEFAULTAPPMODE, as other OSEK implementations do (issue 10 item 5). A file that names
  // OSDEFAULTAPPMODE without declaring it means a mode of its own.
  void NumberAppModes() {
    size_t first = 0;
    if (!declared_modes_.empty() && !default_mode_declared_) {
      const oilc::AppMode& d = declared_modes_[0];
      if (!default_mode_named_) {
        m_.app_modes[0].alias = d.name;
        m_.app_modes[0].location = d.location;
        ids_["APPMODE"][d.name] = 0;
        first = 1;
        std::string note = "APPMODE " + d.name +
                           " is OSDEFAULTAPPMODE, the mode StartOS(OSDEFAULTAPPMODE) starts: no "
                           "APPMODE is named OSDEFAULTAPPMODE, so the first one declared is the "
                           "default (as in other OSEK implementations)";
        if (d.name == "std") {
          note += "; C++ code names it OSDEFAULTAPPMODE (a macro std would hide namespace std)";
        }
        diags_.Note(d.location, note);
      } else {
        diags_.Note(default_mode_reference_,
                    "OSDEFAULTAPPMODE is named but not declared: it is a mode of its own (mode 0), "
                    "not the first declared APPMODE " +
                        d.name);
      }
    }
    for (size_t i = first; i < declared_modes_.size(); ++i) {
      if (declared_modes_[i].name == "std") WarnStd("APPMODE", declared_modes_[i].location);
      NextId("APPMODE", declared_modes_[i].name, m_.app_modes.size());
      m_.app_modes.push_back(declared_modes_[i]);
    }
  }

  // AUTOSTART = TRUE { APPMODE = ...; }: no APPMODE means OSDEFAULTAPPMODE.
  std::vector<Ref> AutostartModes(const Param* autostart) {
    std::vector<Ref> modes = Refs(autostart->value.params, "APPMODE");
    for (const Ref& r : modes) {
      if (r.name == "OSDEFAULTAPPMODE" && !default_mode_named_) {
        default_mode_named_ = true;
        default_mode_reference_ = r.location;
      }
    }
    if (modes.empty()) modes.push_back({"OSDEFAULTAPPMODE", autostart->value.location, 0});
    return modes;
  }

  void Task(const ObjectDef& obj, const std::vector<Param>& params) {
    oilc::Task t;
    t.name = obj.name;
    t.location = obj.name_location;
    if (const Param* p = Require(obj, params, "PRIORITY", "<number>")) t.priority = U32(p);
    if (const Param* p = Require(obj, params, "ACTIVATION", "1")) {
      t.activation = U32(p);
      if (t.activation == 0 || t.activation > 255) {
        diags_.Error(p->value.location,
                     "ACTIVATION " + p->value.text + " of TASK " + obj.name + " is out of range",
                     "a UINT32 number in [1..255]");
      }
      t.activation_location = p->value.location;
    }
    if (const Param* p = Require(obj, params, "SCHEDULE", "FULL")) {
      t.preemptive = p->value.text == "FULL";
    }
    if (const Param* p = Get(params, "AUTOSTART"); IsTrue(p)) {
      t.autostart = true;
      t.autostart_modes = AutostartModes(p);
    }
    t.resources = Refs(params, "RESOURCE");
    t.events = Refs(params, "EVENT");
    if (const Param* p = Get(params, "STACKSIZE")) t.stack_size = U32(p);
    if (t.stack_size < options_.stack_min) t.stack_size = options_.stack_min;
    if (const Param* p = Get(params, "WCET")) t.wcet_us = U32(p);
    if (const Param* p = Get(params, "DEADLINE")) t.deadline_us = U32(p);
    if (const Param* p = Get(params, "PERIOD")) {
      t.period_us = U32(p);
      t.period_location = p->value.location;
    }
    NextId("TASK", obj.name, m_.tasks.size());
    m_.tasks.push_back(std::move(t));
  }

  void Isr(const ObjectDef& obj, const std::vector<Param>& params) {
    oilc::Isr isr;
    isr.name = obj.name;
    isr.location = obj.name_location;
    if (const Param* p = Require(obj, params, "CATEGORY", "2")) {
      isr.category = static_cast<int>(U32(p));
    }
    if (const Param* p = Require(obj, params, "SOURCE", "<interrupt line>")) isr.source = U32(p);
    if (const Param* p = Get(params, "PRIORITY")) {
      isr.priority = U32(p);
      isr.priority_location = p->value.location;
    }
    isr.resources = Refs(params, "RESOURCE");
    if (const Param* p = Get(params, "WCET")) isr.wcet_us = U32(p);
    if (const Param* p = Get(params, "PERIOD")) isr.period_us = U32(p);
    if (isr.category == 1 && !isr.resources.empty()) {
      diags_.Error(isr.resources[0].location,
                   "category 1 ISR " + obj.name + " uses RESOURCE " + isr.resources[0].name,
                   "no RESOURCE in a category 1 ISR (OSEK OS 2.2.3, 4.6.1: category 1 ISRs do "
                   "not call OS services)");
    }
    NextId("ISR", obj.name, m_.isrs.size());
    m_.isrs.push_back(std::move(isr));
  }

  void Resource(const ObjectDef& obj, const std::vector<Param>& params) {
    oilc::Resource r;
    r.name = obj.name;
    r.location = obj.name_location;
    if (const Param* p = Get(params, "RESOURCEPROPERTY")) {
      if (p->value.text == "LINKED") {
        r.kind = ResourceKind::kLinked;
        r.linked_to =
            OneRef(RequireNested(*p, "RESOURCE " + obj.name, "LINKEDRESOURCE", "<resource>"));
      } else if (p->value.text == "INTERNAL") {
        r.kind = ResourceKind::kInternal;
      }
    }
    if (const Param* p = Get(params, "HOLDTIME")) {
      r.hold_us = U32(p);
      r.hold_location = p->value.location;
    }
    if (obj.name == "RES_SCHEDULER") {
      m_.resources[0].hold_us = r.hold_us;
      m_.resources[0].hold_location = r.hold_location;
      if (r.kind != ResourceKind::kStandard) {
        diags_.Error(obj.name_location, "RES_SCHEDULER declared LINKED or INTERNAL",
                     "RESOURCEPROPERTY = STANDARD for RES_SCHEDULER");
      }
      return;  // always resource 0
    }
    NextId("RESOURCE", obj.name, m_.resources.size());
    m_.resources.push_back(std::move(r));
  }

  void Event(const ObjectDef& obj, const std::vector<Param>& params) {
    oilc::Event e;
    e.name = obj.name;
    e.location = obj.name_location;
    if (const Param* p = Get(params, "MASK"); p && p->value.kind != Value::Kind::kAuto) {
      e.auto_mask = false;
      e.mask = U64(p);
    }
    NextId("EVENT", obj.name, m_.events.size());
    m_.events.push_back(std::move(e));
  }

  void Counter(const ObjectDef& obj, const std::vector<Param>& params) {
    oilc::Counter c;
    c.name = obj.name;
    c.location = obj.name_location;
    const Param* max = Require(obj, params, "MAXALLOWEDVALUE", "<ticks>");
    const Param* tpb = Require(obj, params, "TICKSPERBASE", "1");
    const Param* min = Require(obj, params, "MINCYCLE", "1");
    c.complete = max != nullptr && tpb != nullptr && min != nullptr;
    if (max) c.max_allowed_value = U32(max);
    if (tpb) {
      c.ticks_per_base = U32(tpb);
      if (c.ticks_per_base == 0) {
        diags_.Error(tpb->value.location, "TICKSPERBASE of COUNTER " + obj.name + " is 0",
                     "at least 1 tick per base unit");
      }
    }
    if (min) {
      c.min_cycle = U32(min);
      if (max && c.min_cycle > c.max_allowed_value) {
        diags_.Error(min->value.location,
                     "MINCYCLE " + min->value.text + " of COUNTER " + obj.name +
                         " is above its MAXALLOWEDVALUE " + max->value.text,
                     "MINCYCLE <= MAXALLOWEDVALUE");
      }
    }
    if (const Param* p = Get(params, "TICKDURATION")) c.tick_duration_ns = U32(p);
    const Param* sys = Get(params, "SYSTEMCOUNTER");
    c.system = obj.name == "SystemCounter" || IsTrue(sys);
    if (c.system) {
      if (m_.system_counter != kNoId) {
        diags_.Error(sys && !sys->defaulted ? sys->value.location : obj.name_location,
                     "second system counter " + obj.name + " (the first is " +
                         m_.counters[static_cast<size_t>(m_.system_counter)].name + ")",
                     "at most one COUNTER named SystemCounter or with SYSTEMCOUNTER = TRUE");
        c.system = false;
      } else {
        m_.system_counter = static_cast<int>(m_.counters.size());
        if (!c.tick_duration_ns) c.tick_duration_ns = kDefaultSystemTickNs;
        if (*c.tick_duration_ns == 0) {
          diags_.Error(Get(params, "TICKDURATION")->value.location,
                       "TICKDURATION 0 for the system counter " + obj.name,
                       "the system timer's period in nanoseconds (at least 1)");
        }
      }
    }
    NextId("COUNTER", obj.name, m_.counters.size());
    m_.counters.push_back(std::move(c));
  }

  void Alarm(const ObjectDef& obj, const std::vector<Param>& params) {
    oilc::Alarm a;
    a.name = obj.name;
    a.location = obj.name_location;
    const std::string owner = "ALARM " + obj.name;
    a.counter = OneRef(Require(obj, params, "COUNTER", "<counter>"));
    if (const Param* act = Require(obj, params, "ACTION", "ACTIVATETASK { TASK = <task>; }")) {
      a.action_location = act->value.location;
      const std::string& kind = act->value.text;
      if (kind == "ACTIVATETASK") {
        a.action = AlarmActionKind::kActivateTask;
        a.task = OneRef(RequireNested(*act, owner, "TASK", "<task>"));
      } else if (kind == "SETEVENT") {
        a.action = AlarmActionKind::kSetEvent;
        a.task = OneRef(RequireNested(*act, owner, "TASK", "<task>"));
        a.event = OneRef(RequireNested(*act, owner, "EVENT", "<event>"));
      } else if (kind == "ALARMCALLBACK") {
        a.action = AlarmActionKind::kCallback;
        if (const Param* p =
                RequireNested(*act, owner, "ALARMCALLBACKNAME", "\"<function name>\"")) {
          a.callback = p->value.text;
          if (!IsIdentifier(a.callback)) {
            diags_.Error(p->value.location,
                         "ALARMCALLBACKNAME \"" + a.callback + "\" is not a C identifier",
                         "a name usable in ALARMCALLBACK(name)");
          }
        }
      } else if (kind == "INCREMENTCOUNTER") {
        a.action = AlarmActionKind::kIncrementCounter;
        a.counter_to_increment = OneRef(RequireNested(*act, owner, "COUNTER", "<counter>"));
      }
    }
    if (const Param* p = Get(params, "AUTOSTART"); IsTrue(p)) {
      a.autostart = true;
      if (const Param* t = RequireNested(*p, owner, "ALARMTIME", "<ticks>")) {
        a.alarm_time = U32(t);
        a.alarm_time_location = t->value.location;
      }
      if (const Param* c = Get(p->value.params, "CYCLETIME")) {
        a.cycle_time = U32(c);
        a.cycle_time_location = c->defaulted ? p->value.location : c->value.location;
      }
      const Param* type = Get(p->value.params, "TYPE");
      a.absolute = type != nullptr && type->value.text == "ABSOLUTE";
      a.autostart_modes = AutostartModes(p);
    }
    NextId("ALARM", obj.name, m_.alarms.size());
    m_.alarms.push_back(std::move(a));
  }

  // ---- references ----

  static std::string A(const std::string& type) {
    return (std::string("AEIOU").find(type[0]) != std::string::npos ? "an " : "a ") + type;
  }

  void ResolveRef(Ref& ref, const char* type, const std::string& owner) {
    if (ref.name.empty()) return;  // missing, already reported
    auto& table = ids_[type];
    auto it = table.find(ref.name);
    if (it != table.end()) {
      ref.id = it->second;
      return;
    }
    std::string what = "undefined " + std::string(type) + " '" + ref.name + "' in " + owner;
    auto other = names_.find(ref.name);
    if (other != names_.end()) {
      what =
          "'" + ref.name + "' in " + owner + " is " + A(other->second.first) + ", not " + A(type);
    }
    diags_.Error(ref.location, what, "the name of " + A(type) + " defined in CPU " + m_.cpu_name);
  }

  void ResolveList(std::vector<Ref>& refs, const char* type, const std::string& owner) {
    std::set<std::string> seen;
    for (Ref& r : refs) {
      ResolveRef(r, type, owner);
      if (!seen.insert(r.name).second) {
        diags_.Error(r.location, std::string(type) + " " + r.name + " listed twice in " + owner,
                     "each " + std::string(type) + " once");
      }
    }
  }

  void Resolve() {
    for (oilc::Task& t : m_.tasks) {
      const std::string owner = "TASK " + t.name;
      ResolveList(t.autostart_modes, "APPMODE", owner);
      ResolveList(t.resources, "RESOURCE", owner);
      ResolveList(t.events, "EVENT", owner);
    }
    for (oilc::Isr& isr : m_.isrs) ResolveList(isr.resources, "RESOURCE", "ISR " + isr.name);
    for (oilc::Resource& r : m_.resources) {
      if (r.kind == ResourceKind::kLinked)
        ResolveRef(r.linked_to, "RESOURCE", "RESOURCE " + r.name);
    }
    for (oilc::Alarm& a : m_.alarms) {
      const std::string owner = "ALARM " + a.name;
      ResolveRef(a.counter, "COUNTER", owner);
      ResolveRef(a.task, "TASK", owner);
      ResolveRef(a.event, "EVENT", owner);
      ResolveRef(a.counter_to_increment, "COUNTER", owner);
      ResolveList(a.autostart_modes, "APPMODE", owner);
    }
  }

  const ImplementationModel& impl_;
  const BuildOptions& options_;
  Model& m_;
  Diagnostics& diags_;
  std::map<std::string, std::pair<std::string, Location>> names_;  // name -> (type, where)
  std::map<std::string, std::map<std::string, int>> ids_;          // type -> name -> id
  std::vector<oilc::AppMode> declared_modes_;  // APPMODEs other than OSDEFAULTAPPMODE, in order
  bool default_mode_declared_ = false;         // APPMODE OSDEFAULTAPPMODE
  bool default_mode_named_ = false;            // AUTOSTART { APPMODE = OSDEFAULTAPPMODE; }
  Location default_mode_reference_;            // the first of those
};

}  // namespace

bool BuildModel(const OilFile& file, const Location& file_location, const ImplementationModel& impl,
                const BuildOptions& options, Model& model, Diagnostics& diags) {
  const int errors_before = diags.error_count();
  Builder(impl, options, model, diags).Run(file, file_location);
  CheckModel(model, diags);  // tolerates the unresolved references already reported
  CheckTimingAttributes(model, diags);
  if (diags.error_count() != errors_before) return false;
  AssignEventMasks(model, diags);
  AssignLevels(model, diags);
  return diags.error_count() == errors_before;
}

}  // namespace oilc
