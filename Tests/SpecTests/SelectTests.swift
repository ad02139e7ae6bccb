import Explorer
import Spec
import Testing

/// Guarded selection, `select { when (g) s ... [else s] }`: Promela's `if :: g -> s fi`. The
/// guards and the choice among the enabled alternatives are one step; no guard holding blocks
/// it (an `else` is taken instead, when there is one).
@Suite struct SelectTests {
  typealias Run = InterpreterTests.Run

  static func errors(_ source: String) -> [String] {
    do {
      _ = try LoadedSpec.load(source: source, file: "sel.ept")
      return []
    } catch {
      return error.errors.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }
  }

  static let tail = "\nscenario s { thread t = f(); expect ok; }\n"

  @Test(arguments: [
    (
      "shared int x;\nvoid f() { select { } }",
      "2:12: a select needs at least one 'when (...)' alternative"
    ),
    (
      "shared int x;\nvoid f() { select { else { } } }",
      "2:12: a select needs at least one 'when (...)' alternative"
    ),
    (
      "shared int x;\nvoid f() { select { when x { } } }",
      "2:26: expected '(' after 'when', found 'x'"
    ),
    (
      "shared int x;\nvoid f() { select { when (x) { } else { } when (x) { } } }",
      "2:43: 'when' after 'else': the 'else' of a select comes last"
    ),
    (
      "shared int x;\nvoid f() { select { when (x) { } else { } else { } } }",
      "2:43: a select has at most one 'else'"
    ),
    (
      "shared int x;\nvoid f() { select { x = 1; } }",
      "2:21: expected 'when (...)' or 'else' in a select, found 'x'"
    ),
    (
      "shared int x;\nvoid f() { select { when (x == 1 { } } }",
      "2:34: expected ')' after the guard, found '{'"
    ),
    (
      "shared int x;\nvoid f() { atomic { select { when (x == 1) { } } } }",
      "2:21: 'select' cannot be used inside 'atomic' or 'await'"
    ),
    (
      "shared int x;\nvoid f() { select { when (choose(2) == 1) { } } }",
      "2:27: 'choose' cannot be used inside 'atomic' or 'await'"
    ),
    (
      "shared int x; spinlock l;\nvoid f() { select { when (l) { } } }",
      "2:27: a guard must be int or bool, not spinlock_t"
    ),
  ])
  func malformedSelects(_ source: String, _ expected: String) {
    #expect(Self.errors(source + Self.tail).first == expected)
  }

  @Test func unclosedSelect() {
    #expect(
      Self.errors("shared int x;\nvoid f() { select { when (x == 1) { }").first
        == "2:38: expected '}' to close the select opened at line 2, found end of file")
  }

  @Test func selectAndWhenStayNames() throws {
    let source = """
      shared int select;
      void f() { int when = READ_ONCE(select); WRITE_ONCE(select, when + 1); }
      """ + Self.tail
    #expect(Self.errors(source) == [])
  }

  @Test func guardsThatReadNothingShared() throws {
    let source =
      "shared int x;\nvoid f() { int r = 0; select { when (r == 0) { x = 1; } } }"
      + Self.tail
    let spec = try LoadedSpec.load(source: source, file: "sel.ept")
    #expect(
      spec.warnings.map { "\($0.location.line):\($0.location.column): \($0.message)" } == [
        "2:23: 'select' guards read no shared state: once none holds none ever will"
      ])
  }

  /// The step offers one choice per alternative and is blocked while no guard holds; its
  /// footprint is every guard's reads whatever holds, and the chosen body's local code and its
  /// first shared access belong to the steps after.
  @Test func oneStepPicksAnEnabledAlternative() throws {
    let source = """
      shared int x; shared int y; shared int z;
      void f() {
          select {
              when (READ_ONCE(x) == 1) { WRITE_ONCE(z, 1); }
              when (READ_ONCE(y) == 1) { WRITE_ONCE(z, 2); }
          }
      }
      void g() { WRITE_ONCE(x, 1); WRITE_ONCE(y, 1); }
      scenario s { thread f = f(); thread g = g(); expect ok; }
      """
    var run = try Run(source)
    let blocked = run.footprint(0)
    #expect(!blocked.enabled)
    #expect(blocked.canBlock)
    #expect(blocked.objects == ["x", "y"])
    run.step(1)
    let one = run.footprint(0)
    #expect(one.enabled && one.choices == 2 && one.objects == ["x", "y"])
    // Only x == 1 holds: both choices take the first alternative.
    for choice in 0..<2 {
      var copy = run
      copy.step(0, choice: choice)
      copy.step(0)
      #expect(copy.value("z") == 1)
      #expect(copy.isFinished(0))
    }
    run.step(1)
    var second = run
    second.step(0, choice: 1)
    second.step(0)
    #expect(second.value("z") == 2)
    run.step(0, choice: 0)
    run.step(0)
    #expect(run.value("z") == 1)
  }

  @Test func elseIsTakenWhenNoGuardHolds() throws {
    let source = """
      shared int x; shared int z;
      void f() {
          select {
              when (READ_ONCE(x) == 1) z = 1;
              else z = 3;
          }
      }
      void g() { WRITE_ONCE(x, 1); }
      scenario s { thread f = f(); thread g = g(); expect ok; }
      """
    var run = try Run(source)
    #expect(run.footprint(0).enabled && run.footprint(0).choices == 2)
    var early = run
    early.step(0, choice: 0)
    early.step(0)
    #expect(early.value("z") == 3)
    run.step(1)
    run.step(0, choice: 1)
    run.step(0)
    #expect(run.value("z") == 1)
  }

  /// `break`, `continue` and `return` leave a select's body as they would an `if`'s.
  @Test func bodiesLeaveLoopsAndFunctions() throws {
    let source = """
      shared int x; shared int n;
      int f() {
          for (int i = 0; i < 4; i++) {
              select {
                  when (READ_ONCE(x) == 0) { WRITE_ONCE(n, READ_ONCE(n) + 1); continue; }
                  when (READ_ONCE(x) == 1) break;
                  when (READ_ONCE(x) == 2) return 7;
              }
          }
          return 1;
      }
      shared int result;
      void main() { WRITE_ONCE(result, f()); }
      void g() { WRITE_ONCE(x, 1); }
      void h() { WRITE_ONCE(x, 2); }
      scenario s { thread f = main(); thread g = g(); thread h = h(); expect ok; }
      """
    let spec = try LoadedSpec.load(source: source, file: "sel.ept")
    var returns: Set<Int64> = []
    var counts: Set<Int64> = []
    let system = spec.system(for: spec.scenarios[0])
    _ = try Explorer.explore(
      system, configuration: Configuration(strategy: .dfs, shrink: false),
      observer: { record in
        returns.insert(system.value(of: "result", in: record.finalState)?.bits ?? -1)
        counts.insert(system.value(of: "n", in: record.finalState)?.bits ?? -1)
      })
    #expect(returns == [1, 7])
    #expect(counts == [0, 1, 2, 3, 4])
  }

  /// Verdicts under every exhaustive strategy: a select that no guard ever enables deadlocks;
  /// one that some guard enables picks each enabled alternative.
  @Test(arguments: [Strategy.dpor, .dfs, .stateful(shortest: false)])
  func verdicts(strategy: Strategy) throws {
    let source = """
      shared int x; shared int y;
      void setter() { WRITE_ONCE(x, 1); }
      void picker() {
          select {
              when (READ_ONCE(x) == 0) WRITE_ONCE(y, 1);
              when (READ_ONCE(x) == 1) WRITE_ONCE(y, 2);
          }
      }
      void waiter() { select { when (READ_ONCE(x) == 1) WRITE_ONCE(y, 5); } }
      scenario never_empty { thread a = setter(); thread b = picker();
          finally { assert(y != 0); } expect ok; }
      scenario second_taken { thread a = setter(); thread b = picker();
          finally { assert(y != 2); } expect violation assertion; }
      scenario first_taken { thread a = setter(); thread b = picker();
          finally { assert(y != 1); } expect violation assertion; }
      scenario stuck { thread b = waiter(); expect violation deadlock; }
      scenario woken { thread a = setter(); thread b = waiter();
          finally { assert(y == 5); } expect ok; }
      """
    let spec = try LoadedSpec.load(source: source, file: "sel.ept")
    var kinds: [String: Set<String>] = [:]
    for scenario in spec.scenarios {
      let system = spec.system(for: scenario, loopBounds: strategy != .stateful(shortest: false))
      let result = try Explorer.explore(
        system, configuration: Configuration(strategy: strategy, shrink: false))
      kinds[scenario.name] = Set(result.counterexamples.map(\.violation.kind))
    }
    #expect(
      kinds == [
        "never_empty": [], "second_taken": ["assertion"], "first_taken": ["assertion"],
        "stuck": ["deadlock"], "woken": [],
      ])
  }

  /// The chosen alternative's number and the guards' values are temporaries: dead once the
  /// body is entered, so the two alternatives, both writing 1 to `y`, rejoin in one state at
  /// the write of `z` (LiveSlots), where keeping the slots makes it two. As LiveSlotsTests'
  /// `if`: 2 states at the select, 3 at the writes of `y` (the second alternative only after
  /// the setter), 2 at the write of `z`, 2 finished; 10 when the write of `z` after the setter
  /// remembers which alternative ran.
  @Test func alternativesRejoinInOneState() throws {
    let source = """
      shared int x; shared int y; shared int z;
      void worker() {
          select {
              when (READ_ONCE(x) == 0) { int t = 1; WRITE_ONCE(y, t); }
              when (READ_ONCE(x) == 1) { WRITE_ONCE(y, 1); }
          }
          WRITE_ONCE(z, 1);
      }
      void setter() { WRITE_ONCE(x, 1); }
      scenario s { thread w = worker(); thread s = setter(); expect ok; }
      """
    let spec = try LoadedSpec.load(source: source, file: "rejoin.ept", library: .standard)
    var states: [Bool: Int] = [:]
    for live in [true, false] {
      let system = spec.system(
        for: spec.scenarios[0], loopBounds: false, invisibleSteps: false, liveVariables: live)
      let result = try Explorer.explore(
        system, configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
      states[live] = result.statistics.distinctStates
    }
    #expect(states == [true: 9, false: 10])
  }

  /// Two guests each pick an action whose guard a setter enables. With `choose` and then an
  /// `await` the state between the two is stored; with `select` it does not exist. Guards that
  /// stay true once true make the two programs behave alike: same final values.
  static let guests = """
    shared int x; shared int y; shared int z;
    void setter() { WRITE_ONCE(x, 1); WRITE_ONCE(y, 1); }
    void guest_choose(int id) {
        int c = choose(2);
        if (c == 0) { await (READ_ONCE(x) >= 1); WRITE_ONCE(z, id); }
        else { await (READ_ONCE(y) >= 1); WRITE_ONCE(z, id + 10); }
    }
    void guest_select(int id) {
        select {
            when (READ_ONCE(x) >= 1) WRITE_ONCE(z, id);
            when (READ_ONCE(y) >= 1) WRITE_ONCE(z, id + 10);
        }
    }
    scenario with_choose { thread s = setter(); thread g0 = guest_choose(1);
        thread g1 = guest_choose(2); expect ok; }
    scenario with_select { thread s = setter(); thread g0 = guest_select(1);
        thread g1 = guest_select(2); expect ok; }
    """

  @Test func selectStoresFewerStatesThanChooseThenAwait() throws {
    let spec = try LoadedSpec.load(source: Self.guests, file: "guests.ept")
    var states: [String: Int] = [:]
    var finals: [String: Set<Int64>] = [:]
    for scenario in spec.scenarios {
      let system = spec.system(for: scenario, loopBounds: false)
      let result = try Explorer.explore(
        system, configuration: Configuration(strategy: .stateful(shortest: false), shrink: false))
      states[scenario.name] = result.statistics.distinctStates
      var zs: Set<Int64> = []
      _ = try Explorer.explore(
        spec.system(for: scenario), configuration: Configuration(strategy: .dfs, shrink: false),
        observer: { record in zs.insert(system.value(of: "z", in: record.finalState)?.bits ?? -1) })
      finals[scenario.name] = zs
    }
    #expect(states == ["with_choose": 84, "with_select": 36])
    #expect(finals["with_choose"] == [1, 2, 11, 12])
    #expect(finals["with_select"] == finals["with_choose"])
  }
}
