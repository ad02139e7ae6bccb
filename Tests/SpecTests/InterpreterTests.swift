import Explorer
import Spec
import Testing

/// Footprints and semantics of each builtin and statement, step by step.
@Suite struct InterpreterTests {
  struct Run {
    let system: ScenarioSystem
    var state: ScenarioSystem.State
    var violations: [Violation] = []

    init(_ source: String, scenario: String? = nil) throws {
      let spec = try LoadedSpec.load(source: source, file: "t.ept")
      let info = try #require(scenario.map { spec.scenario(named: $0) } ?? spec.scenarios.first)
      // Step by step: every scheduling point is a step here, even one no other thread can
      // conflict with (InvisibleStepsTests covers those).
      system = spec.system(for: info, invisibleSteps: false)
      state = system.initialState
    }

    /// The footprint of a thread's next step: objects as `name` or `name!` (exclusive).
    func footprint(_ t: Int) -> (objects: [String], canBlock: Bool, enabled: Bool, choices: Int) {
      let names = system.objectNames
      func render(_ f: Footprint) -> [String] {
        f.objects.map { names[$0.object] + ($0.exclusive ? "!" : "") }
      }
      switch system.status(of: t, in: state) {
      case .finished: return ([], false, false, 0)
      case .blocked(let f): return (render(f), f.canBlock, false, 0)
      case .enabled(let f, let choices): return (render(f), f.canBlock, true, choices)
      }
    }

    mutating func step(_ t: Int, choice: Int = 0) {
      if let v = system.execute(thread: t, choice: choice, in: &state) { violations.append(v) }
    }

    func value(_ name: String) -> Int64? { system.value(of: name, in: state)?.bits }
    func isFinished(_ t: Int) -> Bool { system.status(of: t, in: state) == .finished }
  }

  static func oneThread(_ globals: String, _ body: String, threads: Int = 1) -> String {
    let ts = (0..<threads).map { "thread t\($0) = f(\($0));" }.joined(separator: " ")
    return "\(globals)\nvoid f(int me) {\n\(body)\n}\nscenario s { \(ts) expect ok; }\n"
  }

  /// The kernel's branch hints are `!!(x)`: a condition copied from the kernel checks as written.
  @Test func likelyAndUnlikelyAreTheirConditions() throws {
    var run = try Run(
      Self.oneThread(
        "shared int x = 5; shared int y;",
        """
        if (likely(READ_ONCE(x) == 5) && !unlikely(0))
            WRITE_ONCE(y, likely(7) + unlikely(0) + 2 * unlikely(me + 1));
        """))
    run.step(0)
    run.step(0)
    #expect(run.value("y") == 3)
    #expect(run.isFinished(0))
  }

  @Test func marksAndPlainAccesses() throws {
    var run = try Run(
      Self.oneThread(
        "shared int x = 5; shared int y;",
        """
        int a = READ_ONCE(x);
        int b = x;
        WRITE_ONCE(y, a + b);
        y = 1;
        """))
    #expect(run.footprint(0).objects == ["x"])
    run.step(0)
    #expect(run.footprint(0).objects == ["x"])
    run.step(0)
    #expect(run.footprint(0).objects == ["y!"])
    run.step(0)
    #expect(run.value("y") == 10)
    #expect(run.footprint(0).objects == ["y!"])
    #expect(run.system.stepInfo(of: 0, in: run.state)?.operation == "y = 1")
    run.step(0)
    #expect(run.isFinished(0))
  }

  /// A CAS is a read-modify-write whether or not it will succeed: footprints may not depend on
  /// values another thread can change (the TransitionSystem contract).
  @Test func compareExchangeIsAlwaysAReadModifyWrite() throws {
    var run = try Run(
      Self.oneThread(
        "shared u64 s = 3; shared int r; shared int seen;",
        """
        u64 old = 3;
        bool ok = try_cmpxchg64(&s, &old, FROZEN_SPTE);
        WRITE_ONCE(r, ok);
        old = 3;
        ok = try_cmpxchg64(&s, &old, 9);
        WRITE_ONCE(r, ok);
        WRITE_ONCE(seen, old == FROZEN_SPTE);
        """))
    #expect(run.footprint(0).objects == ["s!"])
    run.step(0)
    #expect(run.system.value(of: "s", in: run.state).map { SPTE($0).kind } == .frozen)
    run.step(0)
    #expect(run.value("r") == 1)
    #expect(run.footprint(0).objects == ["s!"])  // will fail, and still a read-modify-write
    run.step(0)
    run.step(0)
    #expect(run.value("r") == 0)
    run.step(0)
    #expect(run.value("seen") == 1)  // the failed CAS stored the current value into old
  }

  @Test func exchangeAndAtomicIncrement() throws {
    var run = try Run(
      Self.oneThread(
        "shared int x = 4; shared int got;",
        """
        int old = xchg(&x, 7);
        atomic_inc(&x);
        WRITE_ONCE(got, old);
        """))
    #expect(run.footprint(0).objects == ["x!"])
    run.step(0)
    #expect(run.footprint(0).objects == ["x!"])
    run.step(0)
    run.step(0)
    #expect(run.value("x") == 8)
    #expect(run.value("got") == 4)
  }

  @Test func spinlockAcquireBlocksAndReleaseConflicts() throws {
    var run = try Run(Self.oneThread("spinlock l;", "spin_lock(&l); spin_unlock(&l);", threads: 2))
    #expect(run.footprint(0) == (["l!"], true, true, 1))
    run.step(0)
    #expect(run.footprint(1).enabled == false)
    #expect(run.footprint(1).objects == ["l!"])
    #expect(run.footprint(0).objects == ["l!"])
    let before = run.state
    run.step(0)
    #expect(run.system.changes(from: before, to: run.state) == ["l: held(t0) → free"])
    #expect(run.footprint(1).enabled)
  }

  @Test func readersShareAndWritersWait() throws {
    let source = """
      rwlock mmu_lock;
      void reader() { read_lock(&mmu_lock); read_unlock(&mmu_lock); }
      void writer() { write_lock(&mmu_lock); write_unlock(&mmu_lock); }
      scenario s { thread r0 = reader(); thread r1 = reader(); thread w = writer(); expect ok; }
      """
    var run = try Run(source)
    #expect(run.footprint(0) == (["mmu_lock"], true, true, 1))
    run.step(0)
    #expect(run.footprint(1).enabled)
    let before = run.state
    run.step(1)
    #expect(run.system.changes(from: before, to: run.state) == ["mmu_lock: read(r0) → read(r0,r1)"])
    // The writer may queue while readers hold (a step of its own), and then waits.
    #expect(run.footprint(2) == (["mmu_lock!"], true, true, 1))
    let queued = run.state
    run.step(2)
    #expect(
      run.system.changes(from: queued, to: run.state) == [
        "mmu_lock: read(r0,r1) → read(r0,r1), w waiting"
      ])
    #expect(run.footprint(2) == (["mmu_lock!"], true, false, 0))
    run.step(0)
    run.step(1)
    #expect(run.footprint(2).enabled)
    run.step(2)
    #expect(run.footprint(2).objects == ["mmu_lock!"])
    #expect(run.violations.isEmpty)
  }

  @Test(arguments: [
    (
      "spinlock l;", "spin_unlock(&l);",
      "t0 in f at t.ept:3:1: spin_unlock(&l): the lock is not held"
    ),
    (
      "rwlock l;", "read_unlock(&l);",
      "t0 in f at t.ept:3:1: read_unlock(&l): the lock is not held for read by this thread"
    ),
    (
      "rwlock l;", "read_lock(&l); write_unlock(&l);",
      "t0 in f at t.ept:3:16: write_unlock(&l): the lock is not held for write"
    ),
    (
      "spinlock l;", "spin_lock(&l); spin_unlock(&l); spin_unlock(&l);",
      "t0 in f at t.ept:3:33: spin_unlock(&l): the lock is not held"
    ),
  ])
  func lockMisuse(_ globals: String, _ body: String, _ message: String) throws {
    var run = try Run(Self.oneThread(globals, body))
    while !run.isFinished(0) { run.step(0) }
    #expect(run.violations.map(\.kind) == ["lock-misuse"])
    #expect(run.violations.first?.message == message)
  }

  @Test func returningWithALockHeldIsMisuse() throws {
    let run = try Run(Self.oneThread("spinlock l;", "spin_lock(&l);"))
    var state = run.state
    _ = run.system.execute(thread: 0, choice: 0, in: &state)
    #expect(
      run.system.checkFinal(state)
        == Violation(kind: "lock-misuse", message: "t0 returned holding l"))
  }

  @Test func synchronizeRcuWaitsForReaders() throws {
    let source = """
      void reader() { rcu_read_lock(); rcu_read_unlock(); }
      void updater() { synchronize_rcu(); }
      scenario s { thread r = reader(); thread u = updater(); expect ok; }
      """
    var run = try Run(source)
    #expect(run.footprint(0) == (["__rcu"], true, true, 1))
    run.step(0)
    #expect(run.footprint(1) == (["__rcu!"], true, false, 0))
    run.step(0)
    #expect(run.footprint(1).enabled)
  }

  @Test func awaitBlocksOnWhatItReads() throws {
    let source = """
      shared int flag; shared int other;
      void waiter() { await (flag == 1 && other == 0); WRITE_ONCE(other, 2); }
      void setter() { WRITE_ONCE(flag, 1); }
      scenario s { thread w = waiter(); thread s = setter(); expect ok; }
      """
    var run = try Run(source)
    // Evaluating the condition reads only `flag` (false short-circuits), but the footprint
    // names every cell the condition may read, so it is the same in every state.
    #expect(run.footprint(0) == (["flag", "other"], true, false, 0))
    run.step(1)
    #expect(run.footprint(0) == (["flag", "other"], true, true, 1))
    run.step(0)
    #expect(run.footprint(0).objects == ["other!"])
  }

  /// A pointer dereferenced in a function the condition calls could name any cell, so the
  /// footprint is all of memory (see RegionFootprint): coarse, but the same in every state.
  @Test func awaitThroughAPointerInACalleeNamesAllOfMemory() throws {
    let source = """
      shared int flag; shared int other;
      bool ready(int *p) { return READ_ONCE(*p) == 1 && other == 0; }
      void waiter() { await (ready(&flag)); }
      scenario s { thread w = waiter(); expect ok; }
      """
    let run = try Run(source)
    #expect(run.footprint(0) == (["__rcu!", "kvm_vm_bugged!", "flag!", "other!"], true, false, 0))
  }

  @Test func atomicBlockIsOneStepWithTheUnionFootprint() throws {
    var run = try Run(
      Self.oneThread(
        "shared int x; shared int y = 2; spinlock l;",
        """
        atomic {
            int v = y;
            x = v + 1;
            spin_lock(&l);
        }
        spin_unlock(&l);
        """))
    #expect(
      run.footprint(0) == (
        ["x!", "y", "l!"].sorted { a, b in
          run.system.objectID(of: String(a.prefix { $0 != "!" }))! < run.system.objectID(
            of: String(b.prefix { $0 != "!" }))!
        }, true, true, 1
      ))
    run.step(0)
    #expect(run.value("x") == 3)
    #expect(run.footprint(0).objects == ["l!"])
  }

  @Test func chooseOffersChoicesWithAnEmptyFootprint() throws {
    var run = try Run(
      Self.oneThread("shared int x;", "int v = choose(10, 20, 30); WRITE_ONCE(x, v + choose(3));"))
    #expect(run.footprint(0) == ([], false, true, 3))
    run.step(0, choice: 2)
    #expect(run.footprint(0).choices == 3)
    run.step(0, choice: 1)
    run.step(0)
    #expect(run.value("x") == 31)
  }

  @Test func checksRaiseAssertionsWithTheirOwnRules() throws {
    var run = try Run(
      Self.oneThread(
        "shared int x;",
        """
        int v = READ_ONCE(x);
        if (WARN_ON(v == 0)) WRITE_ONCE(x, 1);
        KVM_BUG_ON(v == 0, kvm);
        assert(v == 1, "v must be one");
        WRITE_ONCE(x, 5);
        """))
    run.step(0)  // READ_ONCE
    #expect(run.footprint(0).objects == [])  // WARN_ON fires: a step of its own
    run.step(0)
    #expect(run.violations.last?.kind == "assertion")
    run.step(0)  // WRITE_ONCE(x, 1)
    #expect(run.footprint(0).objects == ["kvm_vm_bugged!"])
    run.step(0)  // KVM_BUG_ON fires and marks the VM bugged
    #expect(run.value("kvm_vm_bugged") == 1)
    run.step(0)  // assert fails: the thread stops
    #expect(run.violations.count == 3)
    #expect(run.violations.last?.message == "t0 in f at t.ept:6:1: assertion failed: v must be one")
    #expect(run.isFinished(0))
    #expect(run.value("x") == 1)
  }

  /// A loop about to pass its bound stops the thread and cuts the execution (issue 13): no
  /// `unbounded-retry` from a bound, and no step left to take.
  @Test func loopBoundExceededCutsTheExecution() throws {
    var run = try Run(Self.oneThread("shared int x;", "while (READ_ONCE(x) == 0) bound 2 { }"))
    #expect(!run.system.isCut(run.state))
    for _ in 0..<3 { run.step(0) }
    #expect(run.violations == [])
    #expect(run.isFinished(0))
    #expect(run.system.isCut(run.state))
    #expect(run.system.checkFinal(run.state) == nil)
  }

  @Test func runtimeErrorsAreSpecErrors() throws {
    var run = try Run(Self.oneThread("shared int a[2];", "int i = 2; a[i] = 1;"))
    run.step(0)
    #expect(run.violations.map(\.message) == ["t0 in f at t.ept:3:12: index 2 is out of bounds"])
    var deep = try Run(
      "int r(int n) { return r(n + 1); }\nvoid f() { int v = r(0); }\nscenario s { thread t = f(); expect ok; }"
    )
    deep.step(0)
    #expect(deep.violations.map(\.kind) == ["spec-error"])
  }

  @Test func localComputationIsNotAStep() throws {
    let source = """
      shared int x;
      int square(int v) { return v * v; }
      void f() {
          int sum = 0;
          for (int i = 0; i < 10; i++) sum += square(i);
          if (sum > 100) sum = sum - 100;
          WRITE_ONCE(x, sum);
          sum = READ_ONCE(x) + 1;
          assert(sum == 186);
      }
      scenario s { thread t = f(); expect ok; }
      """
    var run = try Run(source)
    var steps = 0
    while !run.isFinished(0) {
      run.step(0)
      steps += 1
    }
    #expect(steps == 2)
    #expect(run.value("x") == 185)
    #expect(run.violations.isEmpty)
  }

  @Test func stepInfoNamesKernelFunctionAndOperation() throws {
    let run = try Run(Samples.tdpLike, scenario: "two_faults")
    let info = try #require(run.system.stepInfo(of: 0, in: run.state))
    #expect(info.function == "fault")
    #expect(
      info.kernel
        == KernelReference(file: "arch/x86/kvm/mmu/tdp_mmu.c", function: "kvm_tdp_mmu_map"))
    #expect(info.operation == "read_lock(&mmu_lock)")
    #expect(info.location == SourceLocation(file: "t.ept", line: 29, column: 5))
    #expect(
      run.system.describeStep(of: 0, in: run.state)
        == "read_lock(&mmu_lock)  [fault at t.ept:29:5, models kvm_tdp_mmu_map in arch/x86/kvm/mmu/tdp_mmu.c]"
    )
  }

  @Test func initAndFinallyBlocks() throws {
    let source = """
      shared int x; shared int a[3];
      void f() { WRITE_ONCE(x, READ_ONCE(x) + a[2]); }
      scenario s {
          init { x = 4; a[2] = 3; }
          thread t = f();
          finally { assert(x == 8, "x is 8"); }
          expect violation assertion;
      }
      """
    let spec = try LoadedSpec.load(source: source, file: "t.ept")
    let system = spec.system(for: spec.scenarios[0])
    let result = try Explorer.explore(system, configuration: Configuration(strategy: .dfs))
    #expect(
      result.counterexamples.map(\.violation.message) == [
        "finally of s at t.ept:6:15: assertion failed: x is 8"
      ])
  }
}
