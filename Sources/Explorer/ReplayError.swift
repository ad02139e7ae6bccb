/// Why a trace could not be replayed against a system.
public enum ReplayError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The trace names a thread the system does not have.
  case noSuchThread(step: Int, thread: Int, threadCount: Int)
  /// The requested thread cannot move at this step.
  case threadNotRunnable(step: Int, thread: Int, runnable: [Int])
  /// The requested choice is out of range for the step.
  case choiceOutOfRange(step: Int, thread: Int, choice: Int, choices: Int)
  /// The trace replays, but does not show the violation it claims.
  case violationNotReproduced(expected: Violation, observed: [Violation])
  /// A lasso trace whose loop does not return to the state where it starts.
  case loopNotClosed(loopStart: Int)
  /// A lasso trace whose `loopStart` is not the index of one of its steps.
  case loopStartOutOfRange(loopStart: Int, steps: Int)

  public var description: String {
    switch self {
    case .noSuchThread(let step, let thread, let count):
      return "step \(step): thread \(thread) does not exist (the system has \(count) threads)"
    case .threadNotRunnable(let step, let thread, let runnable):
      let list = runnable.isEmpty ? "none" : runnable.map(String.init).joined(separator: ", ")
      return "step \(step): thread \(thread) cannot run here (runnable: \(list))"
    case .choiceOutOfRange(let step, let thread, let choice, let choices):
      let noun = choices == 1 ? "choice" : "choices"
      return "step \(step): thread \(thread) has \(choices) \(noun), trace asks for choice \(choice)"
    case .violationNotReproduced(let expected, let observed):
      let seen = observed.isEmpty ? "no violation" : observed.map(\.description).joined(separator: "; ")
      return "the trace does not reproduce \(expected) (replay shows: \(seen))"
    case .loopNotClosed(let loopStart):
      return "the loop starting at step \(loopStart) does not return to the state it started from"
    case .loopStartOutOfRange(let loopStart, let steps):
      return "loopStart \(loopStart) is not the index of a step (the trace has \(steps) steps)"
    }
  }
}
