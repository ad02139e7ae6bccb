/// One thread's private state: where it is parked and its frames, as flat arrays.
struct ThreadState: Hashable, Sendable {
  /// The instruction the thread is parked at; `-1` when it returned, `-2` when it was stopped
  /// by a failed `assert`, `BUG_ON`, a loop bound or a runtime error.
  var pc: Int32
  /// The start of the current frame in `slots`.
  var base: Int32
  var fault: Fault
  /// The offending value of a fault (an index), for its message.
  var faultDetail: Int64
  var slots: [Value]
  /// The callers' frames: return pc, frame base and result slot (absolute), packed.
  var frames: [Frame]

  struct Frame: Hashable, Sendable {
    var returnPc: Int32
    var base: Int32
    var dst: Int32
  }

  static let empty = ThreadState(
    pc: -1, base: 0, fault: .none, faultDetail: 0, slots: [], frames: [])

  var isRunning: Bool { pc >= 0 }

  /// The value the thread's function returned (zero unless it returned).
  var result: Value { pc == -1 ? slots.first ?? .zero : .zero }
}
