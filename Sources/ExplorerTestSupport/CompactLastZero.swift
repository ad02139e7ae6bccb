import Explorer

/// `lastzero(n)` with its whole state in one SIMD value, for speed measurements.
///
/// The same program as `CanonicalSystems.lastZero(n)` (the same interleavings, the same traces),
/// but a step copies 32 bytes instead of nested arrays, so the rate it gives is close to the
/// engine's own cost per step. Supports `n <= 7`.
public struct CompactLastZero: TransitionSystem {
  public let n: Int

  public init(_ n: Int) {
    precondition((1...7).contains(n))
    self.n = n
  }

  /// `a[0...n]` at `0..<8`, each thread's pc at `8 + t`, each thread's register at `16 + t`.
  /// The scanner's pc counts the loads it made; 127 means it found a zero.
  public struct State: Hashable, Sendable {
    public var bytes = SIMD32<Int8>()

    @inlinable subscript(i: Int) -> Int8 {
      get { bytes[i] }
      set { bytes[i] = newValue }
    }

    /// Four words, not 32 bytes through the generic `SIMD` hash (which looks up metadata per
    /// element and would dominate the measurement).
    public func hash(into hasher: inout Hasher) {
      let words = unsafeBitCast(bytes, to: SIMD4<UInt64>.self)
      hasher.combine(words[0])
      hasher.combine(words[1])
      hasher.combine(words[2])
      hasher.combine(words[3])
    }
  }

  public var threadCount: Int { n + 1 }
  public var initialState: State { State() }

  public func status(of thread: Int, in state: State) -> StepStatus {
    let pc = Int(state[8 + thread])
    if thread == 0 {
      guard pc <= n else { return .finished }
      return .enabled(Footprint(object: n - pc, mode: .read), choices: 1)
    }
    switch pc {
    case 0: return .enabled(Footprint(object: thread - 1, mode: .read), choices: 1)
    case 1: return .enabled(Footprint(object: thread, mode: .write), choices: 1)
    default: return .finished
    }
  }

  public func execute(thread: Int, choice: Int, in state: inout State) -> Violation? {
    let pc = Int(state[8 + thread])
    if thread == 0 {
      state[8] = state[n - pc] == 0 ? 127 : Int8(pc + 1)
    } else if pc == 0 {
      state[16 + thread] = state[thread - 1]
      state[8 + thread] = 1
    } else {
      state[thread] = state[16 + thread] &+ 1
      state[8 + thread] = 2
    }
    return nil
  }
}
