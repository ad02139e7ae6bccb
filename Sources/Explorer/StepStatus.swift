/// What a thread would do next in a given state.
public enum StepStatus: Sendable, Equatable {
  /// The thread has returned; it makes no further steps.
  case finished
  /// The thread's next step cannot run in this state (a held lock, a false `await`). The
  /// footprint names what it waits on, so that the engine can find the steps that unblock it.
  case blocked(Footprint)
  /// The thread's next step can run. `choices` is the number of nondeterministic outcomes the
  /// step has (1 for a deterministic step); the engine runs each of them.
  case enabled(Footprint, choices: Int)
}
