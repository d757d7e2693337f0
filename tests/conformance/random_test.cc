// Randomised scheduling scenarios checked against a reference model of OSEK OS 2.2.3 4.6
// (fixed priorities, FIFO per priority, a preempted task first in its current priority, a new
// or released activation last; non-preemptive tasks give the CPU up only at Schedule and at
// their end; the immediate ceiling protocol). Each seed gives every task instance a small
// program of service calls, derived from (seed, task, instance number); the kernel runs the
// programs for real and the model predicts the trace, step by step. Built twice: basic tasks only
// (random.oil, BCC2) and with extended tasks and events (random_ecc.oil, ECC2,
// TANDEM_RANDOM_ECC).
#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <random>

#include "scenario.h"

TANDEM_TEST_ISR(IrqMid)
TANDEM_TEST_ISR(IrqHigh)

#if TANDEM_RANDOM_ECC
TANDEM_TEST_TASK(P1)
TANDEM_TEST_TASK(E2)
TANDEM_TEST_TASK(P2)
TANDEM_TEST_TASK(E3)
TANDEM_TEST_TASK(P4)
#else
TANDEM_TEST_TASK(P1)
TANDEM_TEST_TASK(P2a)
TANDEM_TEST_TASK(P2b)
TANDEM_TEST_TASK(P3)
TANDEM_TEST_TASK(P4)
#endif

namespace {

// The tasks in OIL order (TaskType = index); priorities are the model's levels.
constexpr int kTasks = 5;
#if TANDEM_RANDOM_ECC
constexpr bool kHasEvents = true;
constexpr int kPriority[kTasks] = {1, 2, 2, 3, 4};
constexpr int kMaxActivations[kTasks] = {2, 1, 2, 1, 1};
constexpr bool kPreemptive[kTasks] = {true, false, true, true, false};
constexpr bool kUsesRa[kTasks] = {true, false, true, true, false};
constexpr int kInternalCeiling[kTasks] = {2, 0, 2, 0, 0};  // RI, internal to P1 and P2
constexpr bool kExtended[kTasks] = {false, true, false, true, false};
constexpr const char* kName[kTasks] = {"P1", "E2", "P2", "E3", "P4"};
constexpr int kExtendedTasks[] = {1, 3};
constexpr int kAlarmTask[2] = {2, 3};  // A1 activates P2, A2 activates E3
EventMaskType Mask(int m) { return (m & 1 ? X : 0) | (m & 2 ? Y : 0); }
#else
constexpr bool kHasEvents = false;
constexpr int kPriority[kTasks] = {1, 2, 2, 3, 4};
constexpr int kMaxActivations[kTasks] = {3, 2, 2, 3, 1};
constexpr bool kPreemptive[kTasks] = {true, true, false, true, false};
constexpr bool kUsesRa[kTasks] = {true, true, false, true, false};
constexpr int kInternalCeiling[kTasks] = {0, 0, 0, 0, 0};
constexpr bool kExtended[kTasks] = {false, false, false, false, false};
constexpr const char* kName[kTasks] = {"P1", "P2a", "P2b", "P3", "P4"};
constexpr int kExtendedTasks[] = {0};  // unused
constexpr int kAlarmTask[2] = {1, 3};  // A1 activates P2a, A2 activates P3
EventMaskType Mask(int) { return 0; }
#endif
constexpr int kTop = 4;
constexpr int kRaCeiling = 3;
// IrqMid (category 2, PRIORITY 3) is masked while the running task's interrupt priority (its
// base priority, also for non-preemptive tasks, raised by RA to 3 and by RES_SCHEDULER to 4) is
// 3 or more; IrqHigh (PRIORITY 10) never is. Both activate the task the raising op names.
constexpr int kIrqMidPriority = 3;
// SystemCounter wraps at 7; two alarms on it, activating tasks of different priorities (so the
// order in which alarms expiring on one tick act is not observable).
constexpr int kCounterMax = 7;
constexpr uint32_t kIrqSource[2] = {40, 41};
constexpr const char* kIrqName[2] = {"IrqMid", "IrqHigh"};
constexpr int kQuietAfter = 30;  // instances started before programs stop activating others

enum class OpKind : uint8_t {
  kActivate,
  kGet,
  kRelease,
  kSchedule,
  kChain,
  kTerminate,
  kWait,
  kSet,
  kClear,
  kRaise,
  kTick,
  kSetAlarm,
  kCancelAlarm
};
struct Op {
  OpKind kind;
  // kActivate/kChain/kSet/kRaise: a task; kGet/kRelease: 0 = RA, 1 = RES_SCHEDULER;
  // kSetAlarm/kCancelAlarm: 0 = A1, 1 = A2.
  uint8_t arg;
  // kWait/kSet/kClear: events, bit 0 = X, bit 1 = Y; kRaise: 0 IrqMid, 1 IrqHigh;
  // kSetAlarm: the increment.
  uint8_t mask;
  uint8_t cycle;  // kSetAlarm
};
struct Program {
  std::array<Op, 16> ops;
  int size = 0;
  void Add(OpKind k, int arg = 0, int mask = 0, int cycle = 0) {
    ops[static_cast<size_t>(size++)] = {k, static_cast<uint8_t>(arg), static_cast<uint8_t>(mask),
                                        static_cast<uint8_t>(cycle)};
  }
};

uint32_t g_seed = 0;

Program MakeProgram(int task, int instance, bool quiet) {
  std::mt19937 rng(g_seed * 1000003u + static_cast<uint32_t>(task) * 7919u +
                   static_cast<uint32_t>(instance));
  Program p;
  const int steps = quiet ? 0 : static_cast<int>(rng() % (kHasEvents ? 5 : 4));
  for (int i = 0; i < steps; ++i) {
    const int target = static_cast<int>(rng() % kTasks);
    const int mask = static_cast<int>(rng() % 3) + 1;
    const int ext_target =
        kExtendedTasks[rng() % (sizeof(kExtendedTasks) / sizeof(kExtendedTasks[0]))];
    switch (rng() % (kHasEvents ? 7 : 4)) {
      case 0:
        p.Add(OpKind::kActivate, target);
        break;
      case 1:
        switch (rng() % 4) {
          case 0:
          case 1:
            p.Add(OpKind::kRaise, target, static_cast<int>(rng() % 2));
            break;
          case 2:
            p.Add(OpKind::kTick);
            break;
          default:
            if (rng() % 3 == 0) {
              p.Add(OpKind::kCancelAlarm, static_cast<int>(rng() % 2));
            } else {
              p.Add(OpKind::kSetAlarm, static_cast<int>(rng() % 2), static_cast<int>(rng() % 3) + 1,
                    static_cast<int>(rng() % 4));
            }
            break;
        }
        break;
      case 2: {
        const int res = kUsesRa[task] && rng() % 2 == 0 ? 0 : 1;
        p.Add(OpKind::kGet, res);
        if (rng() % 2 == 0) {
          p.Add(OpKind::kActivate, target);
        } else {
          p.Add(OpKind::kRaise, target, static_cast<int>(rng() % 2));
        }
        p.Add(OpKind::kRelease, res);
        break;
      }
      case 3:
        p.Add(OpKind::kSchedule);
        break;
      case 4:
      case 5:
        if (kExtended[task] && rng() % 3 != 0) {
          p.Add(OpKind::kWait, 0, mask);
        } else {
          p.Add(OpKind::kSet, ext_target, mask);
        }
        break;
      default:
        if (kExtended[task]) p.Add(OpKind::kClear, 0, mask);
        break;
    }
  }
  if (!quiet && rng() % 3 == 0) p.Add(OpKind::kChain, static_cast<int>(rng() % kTasks));
  p.Add(OpKind::kTerminate);
  return p;
}

std::string OpText(int task, int instance, const Op& op) {
  std::string s = std::string(kName[task]) + "#" + std::to_string(instance) + " ";
  switch (op.kind) {
    case OpKind::kActivate:
      return s + "activate " + kName[op.arg];
    case OpKind::kGet:
      return s + (op.arg == 0 ? "get RA" : "get RES_SCHEDULER");
    case OpKind::kRelease:
      return s + (op.arg == 0 ? "release RA" : "release RES_SCHEDULER");
    case OpKind::kSchedule:
      return s + "schedule";
    case OpKind::kChain:
      return s + "chain " + kName[op.arg];
    case OpKind::kTerminate:
      return s + "terminate";
    case OpKind::kWait:
      return s + "wait " + std::to_string(op.mask);
    case OpKind::kSet:
      return s + "set " + kName[op.arg] + " " + std::to_string(op.mask);
    case OpKind::kClear:
      return s + "clear " + std::to_string(op.mask);
    case OpKind::kRaise:
      return s + "raise " + kIrqName[op.mask] + " for " + kName[op.arg];
    case OpKind::kTick:
      return s + "tick";
    case OpKind::kSetAlarm:
      return s + "SetRelAlarm A" + std::to_string(op.arg + 1) + " " + std::to_string(op.mask) +
             " " + std::to_string(op.cycle);
    case OpKind::kCancelAlarm:
      return s + "CancelAlarm A" + std::to_string(op.arg + 1);
  }
  return s;
}

// --- the kernel side: every task runs its program ---
int g_instances[kTasks];
int g_started;
int g_irq_target[2];

void RunIrq(int irq) {
  Log(std::string(kIrqName[irq]) + " activates " + kName[g_irq_target[irq]]);
  ActivateTask(static_cast<TaskType>(g_irq_target[irq]));
}

void RunProgram(int task) {
  const int instance = ++g_instances[task];
  const bool quiet = ++g_started > kQuietAfter;
  Log(std::string(kName[task]) + "#" + std::to_string(instance) + " start");
  const Program p = MakeProgram(task, instance, quiet);  // no heap: safe to abandon
  for (int i = 0; i < p.size; ++i) {
    const Op& op = p.ops[static_cast<size_t>(i)];
    Log(OpText(task, instance, op));
    const ResourceType res = op.arg == 0 ? RA : RES_SCHEDULER;
    switch (op.kind) {
      case OpKind::kActivate:
        ActivateTask(static_cast<TaskType>(op.arg));
        break;
      case OpKind::kGet:
        EXPECT_EQ(E_OK, GetResource(res));
        break;
      case OpKind::kRelease:
        EXPECT_EQ(E_OK, ReleaseResource(res));
        break;
      case OpKind::kSchedule:
        EXPECT_EQ(E_OK, Schedule());
        break;
      case OpKind::kChain:
        ChainTask(static_cast<TaskType>(op.arg));
        break;
      case OpKind::kTerminate:
        TerminateTask();
        break;
      case OpKind::kWait:
        EXPECT_EQ(E_OK, WaitEvent(Mask(op.mask)));
        break;
      case OpKind::kSet:
        SetEvent(static_cast<TaskType>(op.arg), Mask(op.mask));
        break;
      case OpKind::kClear:
        EXPECT_EQ(E_OK, ClearEvent(Mask(op.mask)));
        break;
      case OpKind::kRaise:
        g_irq_target[op.mask] = op.arg;
        tandem::host::RaiseInterrupt(kIrqSource[op.mask]);
        break;
      case OpKind::kTick:
        tandem::host::AdvanceTicks(1);
        break;
      case OpKind::kSetAlarm:
        SetRelAlarm(op.arg == 0 ? A1 : A2, op.mask, op.cycle);
        break;
      case OpKind::kCancelAlarm:
        CancelAlarm(op.arg == 0 ? A1 : A2);
        break;
    }
  }
}

// --- the reference model ---
struct Instance {
  int task;
  int number = 0;  // 0 until its body starts
  Program program;
  int pc = 0;
  int held = -1;  // resource held: 0 RA, 1 RES_SCHEDULER (programs never nest them)
};

class Model {
 public:
  Sequence Run() {
    Activate(0, false);  // P1 autostarts
    Dispatch();
    for (;;) {
      if (running_ != nullptr) {
        Step();
      } else if (mid_pending_) {
        DeliverMid();  // the idle loop takes it
      } else {
        break;
      }
    }
    return trace_;
  }

 private:
  struct Entry {
    int task;                           // a new activation of task, or
    std::shared_ptr<Instance> resumed;  // a preempted instance
  };

  int Level(const Instance& in) const {
    // Dispatched at the internal resource's ceiling; non-preemptive as if holding RES_SCHEDULER.
    int level =
        kPreemptive[in.task] ? std::max(kPriority[in.task], kInternalCeiling[in.task]) : kTop;
    if (in.held == 0) level = std::max(level, kRaCeiling);
    if (in.held == 1) level = kTop;
    return level;
  }
  int IrqPriority(const Instance* in) const {
    if (in == nullptr) return 0;
    int p = std::max(kPriority[in->task], kInternalCeiling[in->task]);
    if (in->held == 0) p = std::max(p, kRaCeiling);
    if (in->held == 1) p = kTop;
    return p;
  }
  void RunIrq(int irq, int target) {
    trace_.push_back(std::string(kIrqName[irq]) + " activates " + kName[target]);
    Activate(target, true);
    // Leaving the (outermost) category 2 ISR is a rescheduling point.
    if (running_ != nullptr) {
      MaybePreempt(Level(*running_));
    } else {
      Dispatch();
    }
  }
  void DeliverMid() {
    mid_pending_ = false;
    RunIrq(0, mid_target_);
  }
  int HighestReady() const {
    for (int l = kTop; l >= 1; --l) {
      if (!queue_[l].empty()) return l;
    }
    return 0;
  }
  bool Activate(int task, bool report) {
    if (activations_[task] == kMaxActivations[task]) {
      if (report) trace_.push_back("ErrorHook E_OS_LIMIT ActivateTask");
      return false;
    }
    if (activations_[task] == 0) events_[task] = 0;  // OSEK 13.5: cleared when activated
    ++activations_[task];
    queue_[kPriority[task]].push_back({task, nullptr});
    return true;
  }
  void Dispatch() {
    const int l = HighestReady();
    if (l == 0) {
      running_ = nullptr;
      return;
    }
    Entry e = queue_[l].front();
    queue_[l].pop_front();
    if (e.resumed) {
      running_ = e.resumed;
      return;
    }
    // Numbered and given its program when its body starts, which an interrupt taken at the
    // switch may delay (Step).
    auto in = std::make_shared<Instance>();
    in->task = e.task;
    running_ = in;
  }
  // Preempts the running instance if a ready task outranks `level`.
  void MaybePreempt(int level) {
    if (HighestReady() > level) {
      queue_[level].push_front({running_->task, running_});
      Dispatch();
    }
  }
  void Step() {
    // A pending interrupt is taken as soon as the running context no longer masks it: at the
    // latest before the task's next step.
    if (mid_pending_ && IrqPriority(running_.get()) < kIrqMidPriority) {
      DeliverMid();
      return;
    }
    Instance& in = *running_;
    if (in.number == 0) {
      in.number = ++instances_[in.task];
      in.program = MakeProgram(in.task, in.number, ++started_ > kQuietAfter);
      trace_.push_back(std::string(kName[in.task]) + "#" + std::to_string(in.number) + " start");
      return;
    }
    const Op op = in.program.ops[static_cast<size_t>(in.pc++)];
    trace_.push_back(OpText(in.task, in.number, op));
    switch (op.kind) {
      case OpKind::kActivate:
        Activate(op.arg, true);
        MaybePreempt(Level(in));
        break;
      case OpKind::kGet:
        in.held = op.arg;
        break;
      case OpKind::kRelease:
        in.held = -1;
        MaybePreempt(Level(in));
        break;
      case OpKind::kSchedule:
        MaybePreempt(kPriority[in.task]);  // internal resource released meanwhile
        break;
      case OpKind::kChain:
        if (op.arg != in.task && activations_[op.arg] == kMaxActivations[op.arg]) {
          trace_.push_back("ErrorHook E_OS_LIMIT ChainTask");
          break;  // the caller goes on with its next op (terminate)
        }
        if (op.arg == in.task) {
          queue_[kPriority[in.task]].push_back({in.task, nullptr});
        } else {
          Activate(op.arg, false);
          --activations_[in.task];
        }
        Dispatch();
        break;
      case OpKind::kTerminate:
        --activations_[in.task];
        Dispatch();
        break;
      case OpKind::kWait:
        if ((events_[in.task] & op.mask) != 0) break;
        wait_mask_[in.task] = op.mask;
        waiting_[in.task] = running_;
        Dispatch();
        break;
      case OpKind::kSet: {
        const int x = op.arg;
        if (activations_[x] == 0) {
          trace_.push_back("ErrorHook E_OS_STATE SetEvent");
          break;
        }
        events_[x] |= op.mask;
        if (waiting_[x] && (events_[x] & wait_mask_[x]) != 0) {
          // Released from waiting: the youngest of its priority (OSEK 4.6.1).
          queue_[kPriority[x]].push_back({x, waiting_[x]});
          waiting_[x] = nullptr;
        }
        MaybePreempt(Level(in));
        break;
      }
      case OpKind::kClear:
        events_[in.task] &= ~op.mask;
        break;
      case OpKind::kRaise:
        if (op.mask == 1) {
          RunIrq(1, op.arg);  // above every task: at once
        } else {
          mid_pending_ = true;  // a raised line stays raised once: the last request wins
          mid_target_ = op.arg;
        }
        break;
      case OpKind::kTick:
        // The system timer ranks above every task: the tick is taken at once.
        counter_ = (counter_ + 1) % (kCounterMax + 1);
        for (int a = 0; a < 2; ++a) {
          if (!armed_[a] || expiry_[a] != counter_) continue;
          armed_[a] = cycle_[a] != 0;
          expiry_[a] = (counter_ + cycle_[a]) % (kCounterMax + 1);
          Activate(kAlarmTask[a], true);
        }
        MaybePreempt(Level(in));
        break;
      case OpKind::kSetAlarm:
        if (armed_[op.arg]) {
          trace_.push_back("ErrorHook E_OS_STATE SetRelAlarm");
          break;
        }
        armed_[op.arg] = true;
        expiry_[op.arg] = (counter_ + op.mask) % (kCounterMax + 1);
        cycle_[op.arg] = op.cycle;
        break;
      case OpKind::kCancelAlarm:
        if (!armed_[op.arg]) {
          trace_.push_back("ErrorHook E_OS_NOFUNC CancelAlarm");
          break;
        }
        armed_[op.arg] = false;
        break;
    }
  }

  std::deque<Entry> queue_[kTop + 1];
  int counter_ = 0;
  bool armed_[2] = {};
  int expiry_[2] = {};
  int cycle_[2] = {};
  bool mid_pending_ = false;
  int mid_target_ = 0;
  int activations_[kTasks] = {};
  int events_[kTasks] = {};
  int wait_mask_[kTasks] = {};
  std::shared_ptr<Instance> waiting_[kTasks];
  int instances_[kTasks] = {};
  int started_ = 0;
  std::shared_ptr<Instance> running_;
  Sequence trace_;
};

class RandomScenario : public KernelTest, public ::testing::WithParamInterface<uint32_t> {};

TEST_P(RandomScenario, KernelFollowsTheModel) {
  g_seed = GetParam();
  for (int& n : g_instances) n = 0;
  g_started = 0;
  for (int t = 0; t < kTasks; ++t) OnTask(static_cast<TaskType>(t), [t] { RunProgram(t); });
  OnIsr(IrqMid, [] { RunIrq(0); });
  OnIsr(IrqHigh, [] { RunIrq(1); });
  EndWhenIdle();
  RunSystem();
  const Sequence expected = Model().Run();
  ExpectTrace(expected);
  EXPECT_GT(expected.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomScenario, ::testing::Range(1u, 301u));

}  // namespace
