// Randomised scheduling scenarios checked against a reference model of OSEK OS 2.2.3 4.6
// (fixed priorities, FIFO per priority, a preempted task first in its current priority, a new
// or released activation last; non-preemptive tasks give the CPU up only at Schedule and at
// their end; the immediate ceiling protocol). Each seed gives every task instance a small
// program of service calls, derived from (seed, task, instance number); the kernel runs the
// programs for real and the model predicts the trace, step by step.
#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <random>

#include "scenario.h"

TANDEM_TEST_TASK(P1)
TANDEM_TEST_TASK(P2a)
TANDEM_TEST_TASK(P2b)
TANDEM_TEST_TASK(P3)
TANDEM_TEST_TASK(P4)

namespace {

constexpr int kTasks = 5;
constexpr int kPriority[kTasks] = {1, 2, 2, 3, 4};  // the OIL priorities (the model's levels)
constexpr int kMaxActivations[kTasks] = {3, 2, 2, 3, 1};
constexpr bool kPreemptive[kTasks] = {true, true, false, true, false};
constexpr bool kUsesRa[kTasks] = {true, true, false, true, false};
constexpr const char* kName[kTasks] = {"P1", "P2a", "P2b", "P3", "P4"};
constexpr int kTop = 4;
constexpr int kRaCeiling = 3;
constexpr int kQuietAfter = 25;  // instances started before programs stop activating others

enum class OpKind : uint8_t { kActivate, kGet, kRelease, kSchedule, kChain, kTerminate };
struct Op {
  OpKind kind;
  uint8_t arg;  // task for kActivate/kChain; 0 = RA, 1 = RES_SCHEDULER for kGet/kRelease
};
struct Program {
  std::array<Op, 16> ops;
  int size = 0;
  void Add(OpKind k, int arg = 0) {
    ops[static_cast<size_t>(size++)] = {k, static_cast<uint8_t>(arg)};
  }
};

uint32_t g_seed = 0;

Program MakeProgram(int task, int instance, bool quiet) {
  std::mt19937 rng(g_seed * 1000003u + static_cast<uint32_t>(task) * 7919u +
                   static_cast<uint32_t>(instance));
  Program p;
  const int steps = quiet ? 0 : static_cast<int>(rng() % 4);
  for (int i = 0; i < steps; ++i) {
    const int target = static_cast<int>(rng() % kTasks);
    switch (rng() % 4) {
      case 0:
      case 1:
        p.Add(OpKind::kActivate, target);
        break;
      case 2: {
        const int res = kUsesRa[task] && rng() % 2 == 0 ? 0 : 1;
        p.Add(OpKind::kGet, res);
        p.Add(OpKind::kActivate, target);
        p.Add(OpKind::kRelease, res);
        break;
      }
      default:
        p.Add(OpKind::kSchedule);
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
  }
  return s;
}

// --- the kernel side: every task runs its program ---
int g_instances[kTasks];
int g_started;

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
    }
  }
}

// --- the reference model ---
struct Instance {
  int task;
  int number;
  Program program;
  int pc = 0;
  int held = -1;  // resource held: 0 RA, 1 RES_SCHEDULER (programs never nest them)
};

class Model {
 public:
  Sequence Run() {
    Activate(0, false);  // P1 autostarts
    Dispatch();
    while (running_ != nullptr) Step();
    return trace_;
  }

 private:
  struct Entry {
    int task;                           // a new activation of task, or
    std::shared_ptr<Instance> resumed;  // a preempted instance
  };

  int Level(const Instance& in) const {
    int level = kPreemptive[in.task] ? kPriority[in.task] : kTop;
    if (in.held == 0) level = std::max(level, kRaCeiling);
    if (in.held == 1) level = kTop;
    return level;
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
    auto in = std::make_shared<Instance>();
    in->task = e.task;
    in->number = ++instances_[e.task];
    const bool quiet = ++started_ > kQuietAfter;
    in->program = MakeProgram(e.task, in->number, quiet);
    trace_.push_back(std::string(kName[e.task]) + "#" + std::to_string(in->number) + " start");
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
    Instance& in = *running_;
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
        MaybePreempt(kPriority[in.task]);
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
    }
  }

  std::deque<Entry> queue_[kTop + 1];
  int activations_[kTasks] = {};
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
  EndWhenIdle();
  RunSystem();
  const Sequence expected = Model().Run();
  ExpectTrace(expected);
  EXPECT_GT(expected.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomScenario, ::testing::Range(1u, 301u));

}  // namespace
