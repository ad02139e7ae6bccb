/// A vector clock over at most 16 threads: entry `t` counts the steps of thread `t` that
/// happen before (or are) the step the clock belongs to.
///
/// It is one SIMD value, so joining clocks on the hot path allocates nothing.
public struct VectorClock: Hashable, Sendable {
  /// The most threads a system may have.
  public static let maxThreads = 16

  public var counts: SIMD16<UInt16>

  public init() { counts = .zero }

  @inlinable public subscript(thread: Int) -> Int {
    get { Int(counts[thread]) }
    set { counts[thread] = UInt16(truncatingIfNeeded: newValue) }
  }

  /// The pointwise maximum: everything that happens before either clock.
  @inlinable public mutating func join(_ other: VectorClock) {
    counts = pointwiseMax(counts, other.counts)
  }

  /// A clock that covers every step: the identity of `meet`.
  public static let top = VectorClock(counts: SIMD16(repeating: .max))

  @inlinable init(counts: SIMD16<UInt16>) { self.counts = counts }

  /// The pointwise minimum: a step is covered by the result exactly when both clocks cover it.
  @inlinable public mutating func meet(_ other: VectorClock) {
    counts = pointwiseMin(counts, other.counts)
  }

  /// Whether the `index`-th step (1-based) of `thread` happens before (or is) this clock's step.
  @inlinable public func covers(thread: Int, index: Int) -> Bool {
    Int(counts[thread]) >= index
  }
}
