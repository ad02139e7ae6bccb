import Explorer

extension ScenarioSystem {
  /// What a thread's next visible step is, for traces.
  public struct StepInfo: Sendable, Hashable {
    public var function: String
    public var kernel: KernelReference?
    public var location: SourceLocation
    /// The operation as written, for example `try_cmpxchg64(sptep, &old, FROZEN_SPTE)`.
    public var operation: String
    /// How the step touches shared memory (`plain`, `marked`, `atomic`, `lock`, `rcu`, `none`),
    /// so that a race check can tell marked from plain accesses.
    public var access: Builtin.Access
  }
}
