/// Runs a trace step by step against a system, exactly and without searching.
///
/// Replay is strict: a step whose thread cannot run, or whose choice does not exist, is an error
/// that names the step, the thread asked for and the threads that could run.
public struct Replayer<System: TransitionSystem> {
  public let system: System

  public init(system: System) { self.system = system }

  /// What one replay saw.
  public struct Outcome {
    /// The state before each step, and after the last one (`steps.count + 1` states).
    public var states: [System.State]
    /// Each violation raised, with the index of the step that raised it (`steps.count` for a
    /// violation of the final state: a deadlock or the model's final check).
    public var violations: [(step: Int, violation: Violation)]
    /// Whether no thread could move after the last step.
    public var isTerminal: Bool

    public var finalState: System.State { states[states.count - 1] }
  }

  /// Replays `steps` from the initial state.
  public func replay(_ steps: [Trace.Step]) throws(ReplayError) -> Outcome {
    var state = system.initialState
    var states = [state]
    var violations: [(step: Int, violation: Violation)] = []
    for (index, step) in steps.enumerated() {
      guard (0..<system.threadCount).contains(step.thread) else {
        throw .noSuchThread(step: index, thread: step.thread, threadCount: system.threadCount)
      }
      guard case .enabled(_, let choices) = system.status(of: step.thread, in: state) else {
        let runnable = (0..<system.threadCount).filter {
          if case .enabled = system.status(of: $0, in: state) { return true }
          return false
        }
        throw .threadNotRunnable(step: index, thread: step.thread, runnable: runnable)
      }
      guard (0..<choices).contains(step.choice) else {
        throw .choiceOutOfRange(
          step: index, thread: step.thread, choice: step.choice, choices: choices)
      }
      if let violation = system.execute(thread: step.thread, choice: step.choice, in: &state) {
        violations.append((index, violation))
      }
      states.append(state)
    }
    var blocked: [Int] = []
    var anyEnabled = false
    for thread in 0..<system.threadCount {
      switch system.status(of: thread, in: state) {
      case .finished: break
      case .blocked: blocked.append(thread)
      case .enabled: anyEnabled = true
      }
    }
    // A state the model cut (a thread stopped at a loop's bound) is judged for nothing.
    if !anyEnabled && !system.isCut(state) {
      if !blocked.isEmpty {
        violations.append((steps.count, .deadlock(blocked: blocked.map { system.threadName($0) })))
      }
      if let violation = system.checkFinal(state) { violations.append((steps.count, violation)) }
    }
    return Outcome(states: states, violations: violations, isTerminal: !anyEnabled)
  }

  /// Replays a trace and checks that it shows the violation it records; for a lasso (a trace
  /// with `loopStart`), that the loop returns to the state it started from.
  public func validate(_ trace: Trace) throws(ReplayError) -> Outcome {
    if let loopStart = trace.loopStart, !(0..<trace.steps.count).contains(loopStart) {
      throw .loopStartOutOfRange(loopStart: loopStart, steps: trace.steps.count)
    }
    let outcome = try replay(trace.steps)
    if let loopStart = trace.loopStart {
      guard outcome.states[loopStart] == outcome.finalState else {
        throw .loopNotClosed(loopStart: loopStart)
      }
      return outcome
    }
    if let expected = trace.violation, !outcome.violations.contains(where: { $0.violation == expected })
    {
      throw .violationNotReproduced(expected: expected, observed: outcome.violations.map(\.violation))
    }
    return outcome
  }
}
