import Explorer
import ExplorerTestSupport
import Foundation
import Testing

/// Visible steps per second per core. Run by hand on a release build:
///
///     EPTCHECK_SPEED=1 swift test -c release -Xswiftc -enable-testing --filter SpeedTests
///
/// (`-enable-testing` because other files of this target use `@testable import`.) Rates depend on
/// the machine, so they are printed, not asserted.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["EPTCHECK_SPEED"] != nil))
struct SpeedTests {
  @Test func stepsPerSecond() throws {
    let (seed, generated) = SpeedMeasurement.generatedFourThreadProgram()
    print(generated)
    print(
      "generated(seed: \(seed)): at most \(ProgramGenerator.interleavingBound(of: generated)) interleavings"
    )
    var measurements: [SpeedMeasurement] = []
    for counting in [true, false] {
      measurements.append(
        try .measure(
          CanonicalSystems.lastZero(5), name: "lastzero(5)", strategy: .dfs,
          countDistinctStates: counting))
      measurements.append(
        try .measure(
          CanonicalSystems.lastZero(5), name: "lastzero(5)", strategy: .dpor,
          countDistinctStates: counting,
          repetitions: 2_000))
      measurements.append(
        try .measure(
          CompactLastZero(5), name: "compact lastzero(5)", strategy: .dfs,
          countDistinctStates: counting))
      measurements.append(
        try .measure(
          CompactLastZero(5), name: "compact lastzero(5)", strategy: .dpor,
          countDistinctStates: counting,
          repetitions: 2_000))
      measurements.append(
        try .measure(
          generated, name: "generated(seed: \(seed))", strategy: .dfs, countDistinctStates: counting
        ))
      measurements.append(
        try .measure(
          generated, name: "generated(seed: \(seed))", strategy: .dpor,
          countDistinctStates: counting))
    }
    for m in measurements { print("SPEED", m) }
  }
}
