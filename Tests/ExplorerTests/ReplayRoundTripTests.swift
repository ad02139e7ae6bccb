import Explorer
import ExplorerTestSupport
import Foundation
import Testing

/// The strategies every round-trip and determinism test runs, with and without a bound.
struct StrategyCase: Sendable, CustomTestStringConvertible {
  var strategy: Strategy
  var bound: Int?

  var testDescription: String { strategy.name + (bound.map { " depth \($0)" } ?? "") }

  static let all: [StrategyCase] = [
    StrategyCase(strategy: .dfs, bound: nil),
    StrategyCase(strategy: .dfs, bound: 4),
    StrategyCase(strategy: .dpor, bound: nil),
    StrategyCase(strategy: .dpor, bound: 4),
    StrategyCase(strategy: .random(seed: 11, executions: 300), bound: nil),
    StrategyCase(strategy: .random(seed: 12, executions: 300), bound: 5),
    StrategyCase(strategy: .pct(seed: 11, depth: 3, executions: 300), bound: nil),
    StrategyCase(strategy: .pct(seed: 12, depth: 2, executions: 300), bound: 5),
  ]

  func configuration(shrink: Bool) -> Configuration {
    Configuration(strategy: strategy, depthBound: bound, shrink: shrink)
  }
}

/// Systems with violations: canonical ones and the first 150 generated programs.
enum ViolatingSystems {
  static let misuse = MiniProgram(
    name: "misuse", variables: 1, locks: 1,
    threads: [
      [
        .lock(0), .load(register: 0, variable: 0),
        .store(variable: 0, value: .register(0, plus: 1)), .unlock(0),
      ],
      [
        .load(register: 0, variable: 0), .unlock(0),
        .assertEqual(register: 0, value: 0, message: "x0 unchanged"),
      ],
    ])

  static let all: [MiniProgram] =
    [CanonicalSystems.lostUpdate, CanonicalSystems.twoLockDeadlock, misuse]
    + Corpus.programs.prefix(150).map(\.program)
}

/// Replay round trip for every strategy: each counterexample replays to its violation, and each
/// shrunk trace is no longer than the trace found and still reproduces it. Never disabled.
@Suite struct ReplayRoundTripTests {
  @Test(arguments: StrategyCase.all)
  func everyCounterexampleReplaysAndShrinks(_ c: StrategyCase) throws {
    var checked = 0
    var shortened = 0
    for program in ViolatingSystems.all {
      let original = try Explorer.explore(program, configuration: c.configuration(shrink: false))
      let shrunk = try Explorer.explore(program, configuration: c.configuration(shrink: true))
      let replayer = Replayer(system: program)
      #expect(
        original.counterexamples.map(\.violation) == shrunk.counterexamples.map(\.violation),
        "shrinking must not change what is found\n\(program)")
      for example in original.counterexamples + shrunk.counterexamples {
        #expect(example.violation.kind != "nondeterminism", "\(example.violation)\n\(program)")
        #expect(example.trace.violation == example.violation)
        do {
          let outcome = try replayer.validate(example.trace)
          #expect(outcome.violations.contains { $0.violation == example.violation })
        } catch {
          Issue.record("\(error)\ntrace \(example.trace)\n\(program)")
        }
        // The compact form and JSON carry the whole schedule.
        #expect(Trace(compact: example.trace.description)?.steps == example.trace.steps)
        let json = try JSONEncoder().encode(example.trace)
        #expect(try JSONDecoder().decode(Trace.self, from: json) == example.trace)
      }
      for (found, small) in zip(original.counterexamples, shrunk.counterexamples) {
        #expect(
          small.trace.steps.count <= found.trace.steps.count,
          "shrunk \(small.trace) is longer than \(found.trace)\n\(program)")
        if small.trace.steps.count < found.trace.steps.count { shortened += 1 }
        checked += 1
      }
    }
    print(
      "\(c.testDescription): \(checked) counterexamples replayed, \(shortened) shortened by shrinking"
    )
    #expect(checked >= 50, "the round trip must see enough counterexamples to mean something")
  }

  @Test func shrinkingFindsTheShortestLostUpdate() throws {
    // pct finds lost updates with long, switchy traces; the shrunk one has 4 steps.
    let result = try Explorer.explore(
      CanonicalSystems.lostUpdate,
      configuration: Configuration(strategy: .pct(seed: 5, depth: 3, executions: 50)))
    let example = try #require(result.counterexamples.first)
    #expect(example.trace.steps.count == 4)
    _ = try Replayer(system: CanonicalSystems.lostUpdate).validate(example.trace)
  }

  @Test func theShrinkerKeepsTheViolationAndNeverGrows() throws {
    let program = CanonicalSystems.lostUpdate
    let violation = Violation(kind: "assertion", message: "both increments are visible (x0 = 1)")
    let shrinker = Shrinker(system: program)
    for compact in ["0,1,0,1", "1,0,1,0", "0,1,1,0", "1,0,0,1"] {
      let steps = try #require(Trace(compact: compact)).steps
      let small = shrinker.shrink(steps, for: violation)
      #expect(small.count <= steps.count)
      _ = try Replayer(system: program).validate(Trace(steps: small, violation: violation))
    }
    // A trace that does not show the violation comes back unchanged.
    let serial = try #require(Trace(compact: "0,0,1,1")).steps
    #expect(shrinker.shrink(serial, for: violation) == serial)
  }
}

/// Determinism: the same input twice gives identical statistics, counterexamples and executions.
@Suite struct DeterminismTests {
  static let systems: [MiniProgram] =
    [
      CanonicalSystems.lostUpdate, CanonicalSystems.twoLockDeadlock, CanonicalSystems.lastZero(3),
      CanonicalSystems.casCounter(3), CanonicalSystems.readers(4), ViolatingSystems.misuse,
    ] + Corpus.programs.prefix(60).map(\.program)

  @Test(arguments: StrategyCase.all)
  func twoRunsAreIdentical(_ c: StrategyCase) throws {
    for program in Self.systems {
      let first = try RecordedExploration(program, configuration: c.configuration(shrink: true))
      let second = try RecordedExploration(program, configuration: c.configuration(shrink: true))
      #expect(
        first.result.statistics.deterministicPart == second.result.statistics.deterministicPart,
        "\(program.name)")
      #expect(first.result.counterexamples == second.result.counterexamples, "\(program.name)")
      #expect(first.result.completion == second.result.completion)
      #expect(first.records.map(\.steps) == second.records.map(\.steps), "\(program.name)")
      #expect(first.records.map(\.ending) == second.records.map(\.ending), "\(program.name)")
      #expect(first.records.map(\.finalState) == second.records.map(\.finalState))
      #expect(
        first.result.statistics.executions == first.records.count - first.count(.sleepSetBlocked))
      #expect(first.result.statistics.cutExecutions == first.count(.cut))
      #expect(first.result.statistics.elapsed >= 0)
    }
  }

  @Test func differentSeedsSampleDifferently() throws {
    let program = CanonicalSystems.lastZero(3)
    let a = try RecordedExploration(
      program, configuration: Configuration(strategy: .random(seed: 1, executions: 20)))
    let b = try RecordedExploration(
      program, configuration: Configuration(strategy: .random(seed: 2, executions: 20)))
    #expect(a.records.map(\.steps) != b.records.map(\.steps))
    #expect(a.records.count == 20)
  }
}
