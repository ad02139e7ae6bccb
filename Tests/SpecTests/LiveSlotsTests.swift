import Explorer
import Spec
import Testing

/// Dead frame slots are zeroed at each scheduling point (LiveSlots): two paths that rejoin in one
/// function reach one state, and every strategy still finds the same behaviours.
@Suite struct LiveSlotsTests {
  /// `worker` reads `x` (0, or 1 once `setter` ran) and takes one of two branches, each leaving
  /// different values in `v` and `t`; after the `if` both are dead, and both branches wrote 1 to
  /// `y`. So the states after the rejoin differ only in dead slots.
  static let rejoin = """
    shared int x = 0;
    shared int y = 0;
    shared int z = 0;

    void worker() {
        int v = READ_ONCE(x);
        if (v == 0) {
            int t = v + 1;
            WRITE_ONCE(y, t);
        } else {
            WRITE_ONCE(y, 1);
        }
        WRITE_ONCE(z, 1);
    }

    void setter() {
        WRITE_ONCE(x, 1);
    }

    scenario rejoin {
        thread w = worker();
        thread s = setter();
        finally { assert(y == 1 && z == 1, "both branches write y"); }
        expect ok;
    }
    """

  static func explore(_ strategy: Strategy, liveVariables: Bool) throws -> ExplorationResult {
    let spec = try LoadedSpec.load(source: rejoin, file: "rejoin.ept", library: .standard)
    return try Explorer.explore(
      spec.system(
        for: spec.scenarios[0], loopBounds: false, invisibleSteps: false,
        liveVariables: liveVariables),
      configuration: Configuration(strategy: strategy, shrink: false))
  }

  /// Every scheduling point a step. The worker is at its read, at one of the two writes of `y`,
  /// at the write of `z`, or finished; the setter before or after its write. States: 2 at the
  /// read, 3 at the writes of `y` (the `then` branch with the setter before or after, the `else`
  /// branch after), 2 at the write of `z`, 2 finished: 9. Without zeroing, the worker at the
  /// write of `z` with the setter done is two states, one per branch it came through (`v` 0 and
  /// `t` 1, or `v` 1 and `t` 0): 10. A finished thread keeps only its result either way.
  @Test func twoPathsRejoiningInOneFunctionGiveOneState() throws {
    let zeroed = try Self.explore(.stateful(shortest: false), liveVariables: true)
    let kept = try Self.explore(.stateful(shortest: false), liveVariables: false)
    #expect(zeroed.statistics.distinctStates == 9)
    #expect(kept.statistics.distinctStates == 10)
    #expect(zeroed.counterexamples.isEmpty)
    #expect(kept.counterexamples.isEmpty)
  }

  /// Zeroing changes which states are equal, never what runs: dfs and dpor run the same
  /// executions with and without it, and count the same distinct states as the stateful search.
  @Test(arguments: [Strategy.dfs, .dpor])
  func zeroingChangesNoExecution(_ strategy: Strategy) throws {
    let zeroed = try Self.explore(strategy, liveVariables: true)
    let kept = try Self.explore(strategy, liveVariables: false)
    #expect(zeroed.statistics.executions == kept.statistics.executions)
    #expect(zeroed.statistics.transitions == kept.statistics.transitions)
    #expect(zeroed.counterexamples.isEmpty && kept.counterexamples.isEmpty)
    if strategy == .dfs {
      #expect(zeroed.statistics.distinctStates == 9)
      #expect(kept.statistics.distinctStates == 10)
    }
  }
}
