import Explorer
import Spec
import Testing

/// Whole programs that use the rest of the language, checked by their verdicts.
@Suite struct LanguageTests {
  static func verdict(_ source: String, strategy: Strategy = .dpor) throws -> (
    kinds: [String], executions: Int
  ) {
    let spec = try LoadedSpec.load(source: source, file: "l.ept")
    var kinds: Set<String> = []
    var executions = 0
    for scenario in spec.scenarios {
      let result = try Explorer.explore(
        spec.system(for: scenario), configuration: Configuration(strategy: strategy))
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
    // Without the atomic block the consumer can see ready before data, and the plain stores
    // race with the consumer's reads.
    let racy = source.replacingOccurrences(
      of: "atomic { data = 42; ready = 1; }", with: "ready = 1; data = 42;")
    #expect(try Self.verdict(racy).kinds == ["assertion", "race"])
  }

  /// The messages of every counterexample of a one-scenario program, under the complete search.
  static func raceMessages(_ source: String) throws -> [String] {
    let spec = try LoadedSpec.load(source: source, file: "r.ept")
    let result = try Explorer.explore(
      spec.system(for: spec.scenarios[0], loopBounds: false),
      configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
    return result.counterexamples.map(\.violation.description).sorted()
  }

  /// Plain accesses race unless happens-before orders them: by a lock, or by reading from a
  /// marked store (DESIGN.md §4).
  @Test func plainAccessesRaceUnlessOrdered() throws {
    let unordered = """
      shared int x;
      void writer() { x = 1; }
      void reader() { int v = x; }
      scenario s { thread w = writer(); thread r = reader(); expect violation race; }
      """
    let unorderedMessages = try Self.raceMessages(unordered)
    #expect(
      unorderedMessages == [
        "race: r in reader at r.ept:3:25: x: plain read of x races with w's plain write of it (not ordered by happens-before)",
        "race: w in writer at r.ept:2:19: x = 1: plain write of x races with r's plain read of it (not ordered by happens-before)",
      ])
    // A lock orders them.
    let locked = """
      shared int x; spinlock l;
      void writer() { spin_lock(&l); x = 1; spin_unlock(&l); }
      void reader() { spin_lock(&l); int v = x; spin_unlock(&l); }
      scenario s { thread w = writer(); thread r = reader(); expect ok; }
      """
    #expect(try Self.raceMessages(locked) == [])
    // A reader under read_lock is ordered before a later writer, but not with another reader's
    // plain store.
    let readers = """
      shared int x; rwlock l;
      void reader() { read_lock(&l); int v = x; read_unlock(&l); }
      void writer() { write_lock(&l); x = 1; write_unlock(&l); }
      void sloppy() { read_lock(&l); x = 2; read_unlock(&l); }
      scenario ok_order { thread r = reader(); thread w = writer(); expect ok; }
      scenario readers_race { thread r = reader(); thread s = sloppy(); expect violation race; }
      """
    #expect(try Self.raceMessages(readers) == [])
    let sloppy = try LoadedSpec.load(source: readers, file: "r.ept")
    let result = try Explorer.explore(
      sloppy.system(for: sloppy.scenarios[1], loopBounds: false),
      configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
    #expect(Set(result.counterexamples.map(\.violation.kind)) == ["race"])
    // Reading from a marked store orders the plain accesses around it (message passing).
    let handoff = """
      shared int data; shared int ready;
      void producer() { data = 42; WRITE_ONCE(ready, 1); }
      void consumer() { if (READ_ONCE(ready) == 1) { int v = data; } }
      scenario s { thread p = producer(); thread c = consumer(); expect ok; }
      """
    #expect(try Self.raceMessages(handoff) == [])
    // Marked accesses do not race with each other; a marked and a plain one do.
    let marked = """
      shared int x;
      void writer() { WRITE_ONCE(x, 1); }
      void reader() { int v = READ_ONCE(x); }
      void plain_reader() { int v = x; }
      scenario s { thread w = writer(); thread r = reader(); expect ok; }
      """
    #expect(try Self.raceMessages(marked) == [])
    let mixed = marked.replacingOccurrences(
      of: "thread r = reader()", with: "thread r = plain_reader()")
    let mixedMessages = try Self.raceMessages(mixed)
    #expect(
      mixedMessages == [
        "race: r in plain_reader at r.ept:4:31: x: plain read of x races with w's write of it (not ordered by happens-before)",
        "race: w in writer at r.ept:2:17: WRITE_ONCE(x, 1): write of x races with r's plain read of it (not ordered by happens-before)",
      ])
  }

  /// The generic language (`Library.standard`) does not check plain races: the classic programs
  /// of the DPOR literature race on purpose.
  @Test func theGenericLanguageDoesNotCheckPlainRaces() throws {
    let source = """
      shared int x;
      void writer() { x = 1; }
      scenario s { thread a = writer(); thread b = writer(); expect ok; }
      """
    let spec = try LoadedSpec.load(source: source, file: "r.ept", library: .standard)
    let result = try Explorer.explore(
      spec.system(for: spec.scenarios[0]), configuration: Configuration(strategy: .dpor))
    #expect(result.counterexamples.isEmpty)
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
    let ok = try Explorer.explore(
      spec.system(for: spec.scenarios[0]), configuration: Configuration())
    #expect(ok.counterexamples.isEmpty)
    let misuse = try Explorer.explore(
      spec.system(for: spec.scenarios[1]), configuration: Configuration())
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

  /// A CAS retry loop whose bound is too small for three threads is cut under dpor, not
  /// reported: each failed CAS means another thread's succeeded, so there is no livelock, as the
  /// stateful search (which counts no bound) shows.
  @Test func retryBoundTooSmallCutsButIsNoLivelock() throws {
    let source = """
      shared int x;
      void add(int v) {
          int old = READ_ONCE(x);
          while (!try_cmpxchg(&x, &old, old + v)) bound 1 { }
      }
      scenario s { thread a = add(1); thread b = add(2); thread c = add(4); expect ok; }
      """
    #expect(try Self.verdict(source).kinds == [])
    let spec = try LoadedSpec.load(source: source, file: "l.ept")
    let dpor = try Explorer.explore(
      spec.system(for: spec.scenarios[0]), configuration: Configuration(strategy: .dpor))
    #expect(dpor.statistics.loopBoundCuts > 0)
    let stateful = try Explorer.explore(
      spec.system(for: spec.scenarios[0], loopBounds: false),
      configuration: Configuration(strategy: .stateful(shortest: false)))
    #expect(stateful.counterexamples.isEmpty)
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
    let broken = source.replacingOccurrences(
      of: "call_rcu(free_table, old == 1 ? 1 : 0);", with: "free_table(old);")
    #expect(try Self.verdict(broken).kinds == ["assertion"])
  }

  /// kfree_rcu frees an object once every reader inside a read-side critical section at the free
  /// has left it; rcu_freed tells a reader whether the object may be gone (invariant 18).
  @Test func kfreeRcuWaitsForTheReadersOfItsTime() throws {
    let source = """
      shared int table = 1;
      shared u64 table_head;
      void walker() {
          rcu_read_lock();
          int t = READ_ONCE(table);
          if (t == 1) {
              bool gone;
              atomic { gone = rcu_freed(&table_head); }
              USE_AFTER_FREE_ON(gone);
          }
          rcu_read_unlock();
      }
      void unlinker() {
          if (cmpxchg64(&table, 1, 0) == 1)
              kfree_rcu(&table_head);
      }
      scenario rcu { thread w = walker(); thread u = unlinker(); expect ok; }
      """
    #expect(try Self.raceMessages(source) == [])
    // Freed at once, or read outside a read-side critical section: the walker may read it gone.
    let withoutGracePeriod = source.replacingOccurrences(
      of: "kfree_rcu(&table_head)", with: "kfree(&table_head)")
    let outside = source.replacingOccurrences(of: "rcu_read_lock();", with: "")
      .replacingOccurrences(of: "rcu_read_unlock();", with: "")
    for broken in [withoutGracePeriod, outside] {
      let messages = try Self.raceMessages(broken)
      #expect(
        messages == ["use-after-free: w in walker at r.ept:9:9: USE_AFTER_FREE_ON(gone) fired"])
    }
    // A section begun after the free does not protect the reader either.
    let late = """
      shared u64 head;
      void freer() { kfree_rcu(&head); }
      void reader() {
          rcu_read_lock();
          bool gone = rcu_freed(&head);
          USE_AFTER_FREE_ON(gone);
          rcu_read_unlock();
      }
      scenario late { thread f = freer(); thread r = reader(); expect ok; }
      """
    #expect(
      try Self.raceMessages(late) == [
        "use-after-free: r in reader at r.ept:6:5: USE_AFTER_FREE_ON(gone) fired"
      ])
    // Nothing is freed twice.
    let twice = """
      shared u64 head;
      void freer() { kfree_rcu(&head); kfree(&head); }
      scenario twice { thread f = freer(); expect ok; }
      """
    #expect(
      try Self.raceMessages(twice) == [
        "use-after-free: f in freer at r.ept:2:34: kfree(&head): the object is already freed"
      ])
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
  let result = try Explorer.explore(
    spec.system(for: spec.scenarios[0]), configuration: Configuration())
  #expect(
    result.counterexamples.map(\.violation.message) == [
      "init of s at i.ept:3:32: index 2 is out of bounds"
    ])
}

@Test func domainHooksThroughTheLibrary() throws {
  var library = Library.standard
  library.constants["MAGIC"] = (.int, .int(42))
  library.implicitCells.append(
    ImplicitCell(name: "sept", type: .int, initial: .zero, isVisible: false))
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
    context.cells[sept].bits == 42
      ? nil : Violation(kind: "divergence", message: "sept is \(context.cells[sept].bits)")
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
  let bad = try Explorer.explore(
    spec.system(for: spec.scenarios[1]), configuration: Configuration())
  #expect(
    bad.counterexamples.map(\.violation) == [Violation(kind: "divergence", message: "sept is 1")])
}

@Test func finallySeesThreadResults() throws {
  let source = """
    shared int owner;
    int claim(int me) {
        int expected = 0;
        if (try_cmpxchg(&owner, &expected, me))
            return RET_PF_FIXED;
        return RET_PF_RETRY;
    }
    void helper() { }
    scenario one_winner {
        thread vcpu0 = claim(1);
        thread vcpu1 = claim(2);
        thread other = helper();
        finally { assert((vcpu0 == RET_PF_FIXED) != (vcpu1 == RET_PF_FIXED), "exactly one claim wins"); }
        expect ok;
    }
    scenario wrong_belief {
        thread vcpu0 = claim(1);
        thread vcpu1 = claim(2);
        finally { assert(vcpu0 == RET_PF_FIXED, "vcpu0 always wins"); }
        expect violation assertion;
    }
    """
  let spec = try LoadedSpec.load(source: source, file: "r.ept")
  for scenario in spec.scenarios {
    let result = try Explorer.explore(spec.system(for: scenario), configuration: Configuration())
    switch scenario.expectation {
    case .ok: #expect(result.counterexamples.isEmpty)
    case .violation:
      #expect(
        result.counterexamples.map(\.violation.message) == [
          "finally of wrong_belief at r.ept:19:15: assertion failed: vcpu0 always wins"
        ])
    }
  }
  // A void thread is not a value.
  #expect(throws: SpecError.self) {
    try LoadedSpec.load(
      source: "void h() {}\nscenario s { thread t = h(); finally { assert(t == 0); } expect ok; }",
      file: "v.ept")
  }
}
