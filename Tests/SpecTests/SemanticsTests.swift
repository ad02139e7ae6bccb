import Explorer
import ExplorerTestSupport
import Spec
import Testing

/// The canonical programs of the Explorer's tests, written in `.ept`, explore exactly as their
/// Swift versions do.
@Suite struct SemanticsTests {
  static let lostUpdate = """
    shared int x = 0;

    void increment() {
        x = x + 1;
    }

    scenario lost_update {
        thread t0 = increment();
        thread t1 = increment();
        finally { assert(x == 2, "both increments are visible"); }
        expect violation assertion;
    }
    """

  static let twoLockDeadlock = """
    spinlock l0;
    spinlock l1;

    void forward() {
        spin_lock(&l0);
        spin_lock(&l1);
        spin_unlock(&l1);
        spin_unlock(&l0);
    }

    void backward() {
        spin_lock(&l1);
        spin_lock(&l0);
        spin_unlock(&l0);
        spin_unlock(&l1);
    }

    scenario two_lock_deadlock {
        thread t0 = forward();
        thread t1 = backward();
        expect violation deadlock;
    }
    """

  static func system(_ source: String) throws -> ScenarioSystem {
    // The generic language: these classic programs race on purpose.
    let spec = try LoadedSpec.load(source: source, file: "test.ept", library: .standard)
    let scenario = try #require(spec.scenarios.first)
    return spec.system(for: scenario)
  }

  struct Summary: Equatable {
    var executions: Int
    var sleepSetBlocked: Int
    var kinds: [String]
  }

  static func summary<S: TransitionSystem>(_ system: S, _ strategy: Strategy) throws -> Summary {
    let result = try Explorer.explore(system, configuration: Configuration(strategy: strategy))
    return Summary(
      executions: result.statistics.executions, sleepSetBlocked: result.statistics.sleepSetBlocked,
      kinds: result.counterexamples.map(\.violation.kind).sorted())
  }

  static let cases: [(String, String, MiniProgram)] = [
    ("lastzero(3)", CanonicalPrograms.lastZero(3), CanonicalSystems.lastZero(3)),
    ("lastzero(4)", CanonicalPrograms.lastZero(4), CanonicalSystems.lastZero(4)),
    ("readers(3)", CanonicalPrograms.readers(3), CanonicalSystems.readers(3)),
    ("lost update", lostUpdate, CanonicalSystems.lostUpdate),
    ("two-lock deadlock", twoLockDeadlock, CanonicalSystems.twoLockDeadlock),
  ]

  @Test(arguments: 0..<5)
  func matchesSwiftVersion(_ index: Int) throws {
    let (_, source, mini) = Self.cases[index]
    let system = try Self.system(source)
    for strategy in [Strategy.dpor, .dfs] {
      let ept = try Self.summary(system, strategy)
      let swift = try Self.summary(mini, strategy)
      #expect(ept == swift, "\(Self.cases[index].0) under \(strategy)")
      if strategy == .dpor { #expect(ept.sleepSetBlocked == 0) }
    }
  }

  @Test func exactCounts() throws {
    #expect(
      try Self.summary(Self.system(CanonicalPrograms.lastZero(3)), .dpor).executions
        == CanonicalSystems.lastZero(3).dporExecutions)
    // readers(n) has 2^n Mazurkiewicz traces, the figure `eptcheck bench` divides by.
    for n in 1...4 {
      #expect(
        try Self.summary(Self.system(CanonicalPrograms.readers(n)), .dpor).executions
          == CanonicalPrograms.readersTraces(n))
    }
    // With k writers, k! (k + 1)^n: the deep run of `eptcheck bench` is readers(9, writers: 3).
    #expect(CanonicalPrograms.readersTraces(9, writers: 3) == 1_572_864)
    for (n, k, traces) in [(2, 2, 18), (3, 2, 54), (2, 3, 96), (1, 4, 120)] {
      #expect(CanonicalPrograms.readersTraces(n, writers: k) == traces)
      let summary = try Self.summary(Self.system(CanonicalPrograms.readers(n, writers: k)), .dpor)
      #expect(summary.executions == traces, "readers(\(n), writers: \(k))")
      #expect(summary.sleepSetBlocked == 0)
    }
  }
}

extension MiniProgram {
  var dporExecutions: Int {
    (try? Explorer.explore(self, configuration: Configuration(strategy: .dpor)).statistics
      .executions) ?? -1
  }
}
