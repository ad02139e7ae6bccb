import Explorer
import Testing

import Spec

/// Whole programs that use the rest of the language, checked by their verdicts.
@Suite struct LanguageTests {
  static func verdict(_ source: String, strategy: Strategy = .dpor) throws -> (kinds: [String], executions: Int) {
    let spec = try LoadedSpec.load(source: source, file: "l.ept")
    var kinds: Set<String> = []
    var executions = 0
    for scenario in spec.scenarios {
      let result = try Explorer.explore(spec.system(for: scenario), configuration: Configuration(strategy: strategy))
      kinds.formUnion(result.counterexamples.map(\.violation.kind))
      executions += result.statistics.executions
      #expect(result.statistics.sleepSetBlocked == 0 || strategy != .dpor)
    }
    return (kinds.sorted(), executions)
  }

  @Test func handoffWithAwaitAndAtomic() throws {
    let source = """
      shared int ready; shared int data;
      void producer() { atomic { data = 42; ready = 1; } }
      void consumer() {
          await (ready == 1);
          assert(READ_ONCE(data) == 42);
      }
      scenario handoff { thread p = producer(); thread c = consumer(); expect ok; }
      """
    #expect(try Self.verdict(source).kinds == [])
    // Without the atomic block the consumer can see ready before data.
    let racy = source.replacingOccurrences(of: "atomic { data = 42; ready = 1; }", with: "ready = 1; data = 42;")
    #expect(try Self.verdict(racy).kinds == ["assertion"])
  }

  @Test func lockArraysAndLockdep() throws {
    let source = """
      spinlock locks[2];
      shared int counters[2];
      void bump(int i) {
          spin_lock(&locks[i]);
          lockdep_assert_held_spin(locks[i]);
          counters[i] = counters[i] + 1;
          spin_unlock(locks[i]);
      }
      void sloppy() { lockdep_assert_held_spin(locks[0]); }
      scenario ok_case {
          thread a = bump(0); thread b = bump(0); thread c = bump(1);
          finally { assert(counters[0] == 2 && counters[1] == 1); }
          expect ok;
      }
      scenario misuse { thread s = sloppy(); expect violation lock-misuse; }
      """
    let spec = try LoadedSpec.load(source: source, file: "l.ept")
    let ok = try Explorer.explore(spec.system(for: spec.scenarios[0]), configuration: Configuration())
    #expect(ok.counterexamples.isEmpty)
    let misuse = try Explorer.explore(spec.system(for: spec.scenarios[1]), configuration: Configuration())
    #expect(misuse.counterexamples.map(\.violation.kind) == ["lock-misuse"])
  }

  @Test func retryLoopWithCompareExchange() throws {
    let source = """
      shared int x;
      void add(int v) {
          int old = READ_ONCE(x);
          do {
          } while (!try_cmpxchg(&x, &old, old + v)) bound 3;
      }
      scenario three_adders {
          thread a = add(1); thread b = add(2); thread c = add(4);
          finally { assert(x == 7); }
          expect ok;
      }
      """
    let dpor = try Self.verdict(source)
    let dfs = try Self.verdict(source, strategy: .dfs)
    #expect(dpor.kinds == [])
    #expect(dfs.kinds == [])
    #expect(dpor.executions < dfs.executions)
  }

  @Test func retryBoundTooSmallIsUnboundedRetry() throws {
    let source = """
      shared int x;
      void add(int v) {
          int old = READ_ONCE(x);
          while (!try_cmpxchg(&x, &old, old + v)) bound 1 { }
      }
      scenario s { thread a = add(1); thread b = add(2); thread c = add(4); expect violation unbounded-retry; }
      """
    #expect(try Self.verdict(source).kinds == ["unbounded-retry"])
  }

  @Test func rcuCallbackAndTernaryAndCmpxchg() throws {
    let source = """
      shared int table = 1;
      shared int freed;
      void free_table(int t) { WRITE_ONCE(freed, t); }
      void walker() {
          rcu_read_lock();
          int t = READ_ONCE(table);
          assert(t == 0 || READ_ONCE(freed) != t, "walked a freed table");
          rcu_read_unlock();
      }
      void unlinker() {
          int old = cmpxchg64(&table, 1, 0);
          call_rcu(free_table, old == 1 ? 1 : 0);
      }
      scenario rcu { thread w = walker(); thread u = unlinker(); expect ok; }
      """
    #expect(try Self.verdict(source).kinds == [])
    // Freeing without a grace period lets the walker see a freed table.
    let broken = source.replacingOccurrences(of: "call_rcu(free_table, old == 1 ? 1 : 0);", with: "free_table(old);")
    #expect(try Self.verdict(broken).kinds == ["assertion"])
  }

  @Test func deadlockFromRecursiveWriteLockAttempt() throws {
    let source = """
      rwlock mmu_lock;
      void f() { read_lock(&mmu_lock); write_lock(&mmu_lock); }
      scenario s { thread t = f(); expect violation deadlock; }
      """
    #expect(try Self.verdict(source).kinds == ["deadlock"])
  }
}

@Test func initBlockFailuresAreReported() throws {
  let source = """
    shared int a[2];
    void f() { }
    scenario s { init { int i = 2; a[i] = 1; } thread t = f(); expect ok; }
    """
  let spec = try LoadedSpec.load(source: source, file: "i.ept")
  let result = try Explorer.explore(spec.system(for: spec.scenarios[0]), configuration: Configuration())
  #expect(result.counterexamples.map(\.violation.message) == ["init of s at i.ept:3:32: index 2 is out of bounds"])
}

@Test func domainHooksThroughTheLibrary() throws {
  var library = Library.standard
  library.constants["MAGIC"] = (.int, .int(42))
  library.implicitCells.append(ImplicitCell(name: "sept", type: .int, initial: .zero, isVisible: false))
  let sept = library.implicitCells.count - 1
  library.add(
    Builtin(
      name: "tdh_fake_seamcall", parameters: [.init("v", .int)], result: .int,
      isSchedulingPoint: true, access: .atomic,
      status: { _, _ in .enabled(Footprint([(sept, .readModifyWrite)]), choices: 1) },
      execute: { call, memory in
        memory[sept] = call.arguments[0]
        return BuiltinOutcome(value: .int(0))
      }))
  library.finalChecks.append { context in
    context.cells[sept].bits == 42 ? nil : Violation(kind: "divergence", message: "sept is \(context.cells[sept].bits)")
  }
  let source = """
    void f(int v) { int r = tdh_fake_seamcall(v); assert(r == TDX_SUCCESS); }
    scenario good { thread t = f(MAGIC); expect ok; }
    scenario bad { thread t = f(1); expect violation divergence; }
    """
  let spec = try LoadedSpec.load(sources: [("d.ept", source)], library: library)
  let good = spec.system(for: spec.scenarios[0])
  #expect(good.stepInfo(of: 0, in: good.initialState)?.access == .atomic)
  #expect(good.stepInfo(of: 0, in: good.initialState)?.operation == "tdh_fake_seamcall(v)")
  #expect(try Explorer.explore(good, configuration: Configuration()).counterexamples.isEmpty)
  let bad = try Explorer.explore(spec.system(for: spec.scenarios[1]), configuration: Configuration())
  #expect(bad.counterexamples.map(\.violation) == [Violation(kind: "divergence", message: "sept is 1")])
}
