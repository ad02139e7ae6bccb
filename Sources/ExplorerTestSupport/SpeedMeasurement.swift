import Explorer

/// Visible steps per second of one exploration, for the speed target (1 million per core).
///
/// The engine runs on one thread, so the rate is per core. Kept apart from the tests' assertions:
/// a rate depends on the machine and the build, so it is reported, not asserted.
public struct SpeedMeasurement: Sendable, CustomStringConvertible {
  public var workload: String
  public var strategy: String
  public var countDistinctStates: Bool
  public var executions: Int
  public var transitions: Int
  public var elapsed: Double

  @usableFromInline init(
    workload: String, strategy: String, countDistinctStates: Bool, executions: Int,
    transitions: Int, elapsed: Double
  ) {
    self.workload = workload
    self.strategy = strategy
    self.countDistinctStates = countDistinctStates
    self.executions = executions
    self.transitions = transitions
    self.elapsed = elapsed
  }

  public var stepsPerSecond: Double { elapsed > 0 ? Double(transitions) / elapsed : 0 }

  public var description: String {
    let rate = (stepsPerSecond / 1e6 * 100).rounded() / 100
    return "\(workload) \(strategy)\(countDistinctStates ? "" : " (no state counting)"): "
      + "\(executions) executions, \(transitions) steps in \((elapsed * 1000).rounded() / 1000) s"
      + " = \(rate) M steps/s"
  }

  /// Explores `system` with `strategy` `repetitions` times (so that a small workload still runs
  /// long enough to time) and measures the rate over all of them.
  @inlinable public static func measure<System: TransitionSystem>(
    _ system: System, name: String, strategy: Strategy, countDistinctStates: Bool = true,
    repetitions: Int = 1
  ) throws -> SpeedMeasurement {
    var measurement = SpeedMeasurement(
      workload: repetitions == 1 ? name : "\(name) x\(repetitions)", strategy: strategy.name,
      countDistinctStates: countDistinctStates, executions: 0, transitions: 0, elapsed: 0)
    for _ in 0..<repetitions {
      let result = try Explorer.explore(
        system,
        configuration: Configuration(
          strategy: strategy, shrink: false, countDistinctStates: countDistinctStates))
      measurement.executions += result.statistics.executions
      measurement.transitions += result.statistics.transitions
      measurement.elapsed += result.statistics.elapsed
    }
    return measurement
  }

  /// The speed workload "a generated 4-thread program": the first seed whose program (with a
  /// large interleaving budget) has 4 threads and at least `minimumInterleavings` interleavings.
  public static func generatedFourThreadProgram(minimumInterleavings: Int = 1_000_000)
    -> (seed: UInt64, program: MiniProgram)
  {
    let generator = ProgramGenerator(interleavingBudget: 100 * minimumInterleavings)
    var seed: UInt64 = 0
    while true {
      let program = generator.program(seed: seed)
      if program.threadCount == 4,
        ProgramGenerator.interleavingBound(of: program) >= minimumInterleavings
      {
        return (seed, program)
      }
      seed += 1
    }
  }
}
