import Explorer
import Foundation
@testable import Spec
import Testing

/// A step is taken from the memo (StepMemo) only when its inputs are those it was run from, and a
/// final check (FinalCheckMemo) only for an equal state: the searches store the same states, take
/// the same steps and report the same traces with the memos as without them.
@Suite struct StepMemoTests {
  /// `reader` reads `x` twice, `writer` sets it between or not: the reader's second step runs
  /// from the same local state against two values of `x`, so a memo keyed on the thread alone
  /// would give one of them the other's result.
  static let reread = """
    shared int x = 0;
    shared int seen = 0;

    void reader() {
        int a = READ_ONCE(x);
        int b = READ_ONCE(x);
        WRITE_ONCE(seen, a * 2 + b);
    }

    void writer() {
        WRITE_ONCE(x, 1);
    }

    scenario reread {
        thread r = reader();
        thread w = writer();
        finally { assert(seen != 2, "x went back to 0"); }
        expect ok;
    }
    """

  static func explore(
    _ spec: LoadedSpec, _ scenario: ScenarioInfo, _ strategy: Strategy, depth: Int? = nil,
    memo: Bool, capacity: Int? = nil
  ) throws -> (ExplorationResult, ScenarioSystem) {
    var system = spec.system(
      for: scenario, loopBounds: strategy != .stateful(shortest: false), memoizesSteps: memo)
    if let capacity { system = system.withMemos(capacity: capacity) }
    let result = try Explorer.explore(
      system, configuration: Configuration(strategy: strategy, depthBound: depth, shrink: false))
    return (result, system)
  }

  @Test func aStepRepeatsOnlyFromEqualInputs() throws {
    let spec = try LoadedSpec.load(source: Self.reread, file: "reread.ept", library: .standard)
    for strategy in [Strategy.dfs, .dpor, .stateful(shortest: false)] {
      let (with, system) = try Self.explore(spec, spec.scenarios[0], strategy, memo: true)
      let (without, plain) = try Self.explore(spec, spec.scenarios[0], strategy, memo: false)
      #expect(with.counterexamples.isEmpty, "\(strategy)")
      #expect(with.statistics.distinctStates == without.statistics.distinctStates)
      #expect(with.statistics.transitions == without.statistics.transitions)
      #expect(with.statistics.executions == without.statistics.executions)
      // Every step the search took is counted once, as a hit or as interpreted.
      let counts = system.memoizedSteps
      #expect(counts.hits + counts.misses == with.statistics.transitions, "\(strategy)")
      #expect(plain.memoizedSteps == (0, 0))
    }
    // Three Mazurkiewicz traces (the write before, between or after the two reads), one
    // execution each; the reader's first read repeats in the two that start with it.
    let (dfs, system) = try Self.explore(spec, spec.scenarios[0], .dpor, memo: true)
    #expect(dfs.statistics.executions == 3)
    #expect(system.memoizedSteps.hits > 0)
  }

  /// Every hand-written scenario, and every known-bug variant with its counterexample: the same
  /// counts and traces with the memo as without it.
  /// Two writers race: the final state with `x == 2` fails the final check, the one with
  /// `x == 1` passes. The search ends in the passing state first (`a`, then `b`), so with one
  /// slot the failing state meets the passing state's entry.
  static let lastWrite = """
    shared int x = 0;

    void one() { WRITE_ONCE(x, 1); }
    void two() { WRITE_ONCE(x, 2); }

    scenario last_write {
        thread a = two();
        thread b = one();
        finally { assert(x == 1, "the last write was 2"); }
        expect ok;
    }
    """

  @Test func aFinalCheckRepeatsOnlyForAnEqualState() throws {
    let spec = try LoadedSpec.load(source: Self.lastWrite, file: "last.ept", library: .standard)
    for capacity in [1, 1024] {
      let (result, _) = try Self.explore(
        spec, spec.scenarios[0], .dfs, memo: true, capacity: capacity)
      // Both orders run, and only the one that ends with `x == 2` fails.
      #expect(result.statistics.executions == 2)
      #expect(
        result.counterexamples.map(\.violation.message) == [
          "finally of last_write at last.ept:9:15: assertion failed: the last write was 2"
        ])
      // `b` writes 1, then `a` writes 2.
      #expect(result.counterexamples.first?.trace.steps.map(\.thread) == [1, 0])
    }
  }

  /// With one or two slots, entries are replaced at almost every step, so that a hit compares
  /// inputs that differ as often as not.
  @Test(arguments: [("specs", nil), ("specs/bugs", nil), ("specs/bugs", 1), ("specs/bugs", 2)])
  func theModelExploresAlikeWithTheMemo(_ directory: String, capacity: Int?) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    var paths = [root.appendingPathComponent("specs").path]
    if directory == "specs/bugs" {
      paths = try FileManager.default.contentsOfDirectory(
        atPath: root.appendingPathComponent(directory).path
      ).filter { $0.hasSuffix(".ept") }.sorted().map {
        root.appendingPathComponent(directory).appendingPathComponent($0).path
      }
    }
    var hits = 0
    var checked = 0
    for path in paths {
      let spec = try LoadedSpec.load(paths: [path])
      for scenario in spec.scenarios where !scenario.isSynthesized {
        for (strategy, depth) in [(Strategy.stateful(shortest: false), nil), (.dpor, 8)] {
          let (with, system) = try Self.explore(
            spec, scenario, strategy, depth: depth, memo: true, capacity: capacity)
          let (without, _) = try Self.explore(spec, scenario, strategy, depth: depth, memo: false)
          let label = "\(scenario.name) \(strategy)"
          #expect(with.statistics.distinctStates == without.statistics.distinctStates, "\(label)")
          #expect(with.statistics.transitions == without.statistics.transitions, "\(label)")
          #expect(with.statistics.executions == without.statistics.executions, "\(label)")
          #expect(with.completion == without.completion, "\(label)")
          #expect(
            with.counterexamples.map(\.trace) == without.counterexamples.map(\.trace), "\(label)")
          hits += system.memoizedSteps.hits
          checked += 1
        }
      }
    }
    #expect(checked >= 2 * 9)
    #expect(hits > 0)
  }
}
