import Explorer
import Spec
import Testing

/// `atomic { ... await (c); ... }` blocks the whole region until `c` holds where the `await`
/// stands (issue 13: the region ran with `c` false, because only a lock made a region "can
/// block"), and its footprint covers the condition's reads.
@Suite struct BlockingAtomicTests {
  typealias Run = InterpreterTests.Run

  static func program(_ consumer: String, helpers: String = "") -> String {
    """
    shared int ready; shared int data; shared int other;
    \(helpers)
    void consumer() { \(consumer) }
    void producer() { WRITE_ONCE(ready, 1); }
    scenario s { thread c = consumer(); thread p = producer(); expect ok; }
    """
  }

  static let shapes: [(name: String, consumer: String, helpers: String)] = [
    ("first statement", "atomic { await (ready == 1); data = 2; }", ""),
    ("later statement", "atomic { other = 1; await (ready == 1); data = 2; }", ""),
    ("in a called function", "atomic { other = 1; wait_ready(); data = 2; }",
     "void wait_ready() { await (ready == 1); }"),
  ]

  @Test(arguments: shapes.map(\.name))
  func theWholeRegionWaitsForTheCondition(shape: String) throws {
    let (_, consumer, helpers) = try #require(Self.shapes.first { $0.name == shape })
    var run = try Run(Self.program(consumer, helpers: helpers))
    let before = run.footprint(0)
    #expect(!before.enabled, "blocked while ready == 0")
    #expect(before.canBlock)
    #expect(before.objects.contains("ready"), "the condition's read: \(before.objects)")
    #expect(before.objects.contains("data!"))
    run.step(1)
    let after = run.footprint(0)
    #expect(after.enabled)
    #expect(after.objects == before.objects, "the footprint does not depend on the state")
    run.step(0)
    #expect(run.value("data") == 2)
    #expect(run.isFinished(0))
  }

  /// Nothing of the region runs while it waits: not even the statements before the `await`.
  @Test func aBlockedRegionHasNoEffect() throws {
    var run = try Run(Self.program("atomic { other = 1; await (ready == 1); data = 2; }"))
    #expect(!run.footprint(0).enabled)
    #expect(run.value("other") == 0)
    run.step(1)
    run.step(0)
    #expect(run.value("other") == 1)
  }

  /// The verdict, under every exhaustive strategy: the guarded read never sees `data` unset, and
  /// a guard that never comes true is a deadlock.
  @Test(arguments: [Strategy.dpor, .dfs, .stateful(shortest: false)])
  func verdictsOfAGuardedRegion(strategy: Strategy) throws {
    let guarded = """
      shared int ready; shared int data;
      void consumer() { atomic { await (READ_ONCE(ready) == 1); assert(data == 42, "data set"); } }
      void producer() { WRITE_ONCE(data, 42); WRITE_ONCE(ready, 1); }
      void nobody() { WRITE_ONCE(data, 1); }
      scenario guarded { thread c = consumer(); thread p = producer(); expect ok; }
      scenario never { thread c = consumer(); thread n = nobody(); expect violation deadlock; }
      """
    let spec = try LoadedSpec.load(source: guarded, file: "guarded.ept")
    for scenario in spec.scenarios {
      let system = spec.system(for: scenario, loopBounds: strategy != .stateful(shortest: false))
      let result = try Explorer.explore(
        system, configuration: Configuration(strategy: strategy, shrink: false))
      let kinds = Set(result.counterexamples.map(\.violation.kind))
      #expect(kinds == (scenario.name == "never" ? ["deadlock"] : []), "\(scenario.name)")
    }
  }
}
