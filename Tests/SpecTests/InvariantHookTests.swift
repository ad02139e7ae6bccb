import Explorer
import Spec
import Testing

/// `@invariant` and `@on_release`: functions the checker calls by itself, so a check holds in
/// every scenario and on every path that releases the lock, without a call in the scenario.
@Suite struct InvariantHookTests {
  /// A writer that leaves `dirty` set while it holds the lock for write, and must clear it
  /// before it releases the lock; `reader` reads under the lock for read.
  static let source = """
    rwlock l;
    shared int dirty;
    shared int done;
    @on_release(l, write)
    void clean_at_unlock() { assert(dirty == 0, "released dirty"); }
    @invariant
    void all_done() { assert(done == 2, "not done"); }
    void writer() {
        write_lock(&l);
        WRITE_ONCE(dirty, 1);
        WRITE_ONCE(dirty, 0);
        write_unlock(&l);
        atomic { done = done + 1; }
    }
    void reader() {
        read_lock(&l);
        int d = READ_ONCE(dirty);
        read_unlock(&l);
        atomic { done = done + 1; }
    }
    scenario hooks { thread w = writer(); thread r = reader(); expect ok; }
    """

  @Test func hooksHoldOnTheCorrectProgram() throws {
    #expect(try LanguageTests.verdict(Self.source).kinds == [])
    #expect(try LanguageTests.verdict(Self.source, strategy: .stateful(shortest: false)).kinds == [])
  }

  @Test func theReleaseHookRunsInEveryReleaseOfThatMode() throws {
    // The writer releases without cleaning: the hook fires, though no scenario calls it, and the
    // writer stops there holding the lock, so the reader then waits for ever. The reader's
    // read_unlock is not a write release and runs no hook.
    let buggy = Self.source.replacingOccurrences(of: "    WRITE_ONCE(dirty, 0);\n", with: "")
    let spec = try LoadedSpec.load(source: buggy, file: "l.ept")
    let result = try Explorer.explore(
      spec.system(for: try #require(spec.scenarios.first)),
      configuration: Configuration(strategy: .stateful(shortest: false)))
    let messages = result.counterexamples.map(\.violation.message)
    #expect(Set(result.counterexamples.map(\.violation.kind)) == ["assertion", "deadlock"])
    #expect(messages.filter { $0.hasSuffix("released dirty") }.count == 1)
    #expect(messages.filter { $0.hasSuffix("not done") }.count == 1)
  }

  @Test func theInvariantRunsAtTheEndOfEveryExecution() throws {
    // One thread never counts itself: every execution ends with done == 1.
    let buggy = Self.source.replacingOccurrences(
      of: "    read_unlock(&l);\n    atomic { done = done + 1; }", with: "    read_unlock(&l);")
    #expect(buggy != Self.source)
    let spec = try LoadedSpec.load(source: buggy, file: "l.ept")
    let result = try Explorer.explore(
      spec.system(for: try #require(spec.scenarios.first)),
      configuration: Configuration(strategy: .stateful(shortest: false)))
    #expect(result.counterexamples.map(\.violation.kind) == ["assertion"])
    #expect(result.counterexamples.first?.violation.message.hasSuffix("not done") == true)
  }

  @Test func aHookRunsAsOneStepJustBeforeTheRelease() throws {
    // The same program with a purely local release hook has exactly the states of the program
    // without it: its step has an empty footprint, so it is invisible.
    let local = Self.source.replacingOccurrences(
      of: "assert(dirty == 0, \"released dirty\");", with: "int x = 1; assert(x == 1);")
    let none = Self.source.replacingOccurrences(of: "@on_release(l, write)\n", with: "")
    func states(_ source: String) throws -> Int {
      let spec = try LoadedSpec.load(source: source, file: "l.ept")
      let scenario = try #require(spec.scenarios.first)
      return try Explorer.explore(
        spec.system(for: scenario),
        configuration: Configuration(strategy: .stateful(shortest: false))
      ).statistics.distinctStates
    }
    #expect(try states(local) == states(none))
    // A hook that reads shared state is the same as calling it in an `atomic` just before.
    let explicit = none.replacingOccurrences(
      of: "    write_unlock(&l);",
      with: "    atomic { clean_at_unlock(); }\n    write_unlock(&l);")
    #expect(explicit != none)
    #expect(try states(Self.source) == states(explicit))
  }
}
