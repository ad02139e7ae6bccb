/// The seam between a model and the engine: a closed system of threads over a shared state.
///
/// The engine knows nothing else about the model. The contract:
///
/// - **Determinism.** `status` and `execute` are pure functions of their arguments: the same
///   state, thread and choice always give the same footprint, outcome and successor. Traces are
///   replayed by index, so this is what makes replay and shrinking exact.
/// - **Visible steps.** A step is one atomic transition of one thread. Local computation belongs
///   to the step it precedes, so a thread's step count is the number of shared accesses it makes.
/// - **Footprints.** The footprint `status` reports must name every shared object that the step
///   reads or writes, in any of its choices, and every object whose value decides whether the step
///   is enabled. Two steps whose footprints do not conflict must commute: running them in either
///   order gives the same state and the same violations. A blocked step's footprint names the
///   objects it waits on. Over-approximating a footprint is always sound; omitting an object is not.
/// - **Footprints depend only on the thread.** The footprint of a thread's next step must be a
///   function of that thread's own local state, never of shared values other threads can change:
///   a compare-and-exchange is a read-modify-write whether or not it will succeed, and an atomic
///   block names every object any of its branches may touch. (A footprint that shrinks to a read
///   when a CAS would fail lets a sleeping step look independent of a sequence it in fact races
///   with once another thread has changed the value; the engine then misses traces.)
/// - **Checks.** A violation belongs to the step that raised it, and may depend only on what that
///   step's footprint covers and on the thread's own local state; that keeps verdicts identical
///   under every strategy. `checkFinal` sees the state at the end of an execution in which every
///   thread has finished or is blocked; such final states do not depend on the interleaving.
/// - **Threads** are numbered `0..<threadCount` and never created or destroyed.
public protocol TransitionSystem: Sendable {
  /// The whole shared and thread-local state. Cheap to copy, hashable for state counting.
  associatedtype State: Hashable & Sendable

  /// The number of threads, fixed for the life of the system.
  var threadCount: Int { get }

  /// The state every execution starts from.
  var initialState: State { get }

  /// A short name for a thread, as traces print it (for example `vcpu0`).
  func threadName(_ thread: Int) -> String

  /// What `thread` would do next in `state`.
  func status(of thread: Int, in state: State) -> StepStatus

  /// Runs the next step of `thread` with the given choice (in `0..<choices`) and returns the
  /// violation the step raised, if any. Called only when `status` says the step is enabled. After a
  /// violation the execution goes on from the state the step left behind.
  func execute(thread: Int, choice: Int, in state: inout State) -> Violation?

  /// Checks a state in which no thread can move (all finished, or some blocked).
  func checkFinal(_ state: State) -> Violation?

  /// A one-line description of the step `thread` would take next, for traces.
  func describeStep(of thread: Int, in state: State) -> String

  /// Whether the step `thread` would take next counts as progress (SPIN's progress labels). A
  /// cycle of the state graph that no thread leaves and in which no step makes progress is a
  /// livelock, reported as `unbounded-retry` by the stateful search. Like a footprint, the answer
  /// may depend only on the thread's own local state (the stateful search's sleep sets rely on
  /// it to keep every non-progress cycle).
  func isProgress(of thread: Int, in state: State) -> Bool

  /// Whether the model cut the execution in `state`: it stopped a thread at a bound of its own
  /// (a retry loop past its `bound`), so the execution is incomplete, as one cut at the depth
  /// bound is. Reaching such a bound is not evidence of anything: an execution that ends in such
  /// a state counts as cut, and neither a deadlock nor the final check is judged on it. A model
  /// reports the stopped thread as finished, so that the others run on.
  func isCut(_ state: State) -> Bool

  /// An equal system that shares no reference-counted storage with this one, for another thread
  /// of a parallel run. Swift's reference counts are atomic: threads that keep retaining the same
  /// arrays and objects contend for their cache lines even though they only read them.
  func replica() -> Self
}

extension TransitionSystem {
  public func threadName(_ thread: Int) -> String { "t\(thread)" }
  public func checkFinal(_ state: State) -> Violation? { nil }
  public func describeStep(of thread: Int, in state: State) -> String { "step" }
  public func isProgress(of thread: Int, in state: State) -> Bool { false }
  public func isCut(_ state: State) -> Bool { false }
  public func replica() -> Self { self }
}
