/// One thread's private state: where it is parked, and its frames in one flat array.
///
/// Each caller's frame is followed in `slots` by a two-value record (its return pc and base,
/// then the callee's result slot), then by the callee's frame: a call allocates nothing but the
/// array's growth, and a thread is one array to copy, compare and retain.
///
/// The state's hash of the slots is kept by `ScenarioSystem.HashedThread`, which updates it from
/// the slots a step changed: `dirtyFrom`, the lowest slot written since the thread was last
/// stored, bounds them (a step writes its top frames, not the callers below).
struct ThreadState: Hashable, Sendable {
  /// The instruction the thread is parked at; `-1` when it returned, `-2` when it was stopped
  /// by a failed `assert`, `BUG_ON`, a loop bound or a runtime error.
  var pc: Int32
  /// The start of the current frame in `slots`.
  var base: Int32
  var fault: Fault
  /// The number of callers' frames below the current one.
  private(set) var depth: Int32 = 0
  /// The offending value of a fault (an index), for its message.
  var faultDetail: Int64
  /// The frames and their records, outermost first. Written through the subscript only.
  private(set) var slots: [Value]
  /// No slot below it was written, nor did a frame below it become or stop being a caller,
  /// since `markClean`. Bookkeeping, not state: equality and hashing ignore it.
  private(set) var dirtyFrom: Int32 = 0

  /// A caller's frame, as traces and coverage read it.
  struct Frame: Hashable, Sendable {
    var returnPc: Int32
    var base: Int32
    var dst: Int32
  }

  /// The values of a frame record: the slots just below a callee's base.
  static let recordSize: Int32 = 2

  init(pc: Int32, fault: Fault = .none, faultDetail: Int64 = 0, slots: [Value]) {
    self.pc = pc
    self.base = 0
    self.fault = fault
    self.faultDetail = faultDetail
    self.slots = slots
  }

  static let empty = ThreadState(pc: -1, slots: [])

  var isRunning: Bool { pc >= 0 }

  /// The value the thread's function returned (zero unless it returned).
  var result: Value { pc == -1 ? slots.first ?? .zero : .zero }

  /// Slot `i` of the array (absolute, not frame-relative).
  subscript(_ i: Int) -> Value {
    @inline(__always) get { slots[i] }
    @inline(__always) set {
      dirtyFrom = min(dirtyFrom, Int32(truncatingIfNeeded: i))
      slots[i] = newValue
    }
  }

  /// The callers' frames, outermost first (for traces and coverage; the interpreter reads the
  /// records directly).
  var frames: [Frame] {
    var result: [Frame] = []
    var b = Int(base)
    for _ in 0..<Int(depth) {
      let caller = caller(of: b)
      result.append(
        Frame(
          returnPc: caller.returnPc, base: Int32(caller.base),
          dst: Int32(truncatingIfNeeded: slots[b - 1].bits)))
      b = caller.base
    }
    return result.reversed()
  }

  /// Pushes a frame of `size` zero slots whose first `arguments` are copied from the current
  /// frame at `argumentBase`; the caller resumes at `returnPc` and receives the result in its
  /// slot `dst` (`-1` for none).
  @inline(__always)
  mutating func pushFrame(
    size: Int, argumentBase: Int32, arguments: Int, returnPc: Int32, dst: Int32
  ) {
    let oldBase = Int(base)
    let link = Int(slots.count)
    let newBase = link + Int(Self.recordSize)
    slots.append(
      contentsOf: repeatElement(.zero, count: size + Int(Self.recordSize)))
    self[link] = .int(Int64(UInt32(bitPattern: returnPc)) | Int64(oldBase) << 32)
    self[link + 1] = .int(Int64(dst < 0 ? -1 : Int32(oldBase) + dst))
    for i in 0..<arguments { self[newBase + i] = slots[oldBase + Int(argumentBase) + i] }
    dirtyFrom = min(dirtyFrom, Int32(oldBase))
    base = Int32(newBase)
    depth += 1
  }

  /// Pops the current frame, writes `value` to the caller's result slot and returns the pc the
  /// caller resumes at; nil when this is the thread's outermost frame (nothing is popped).
  @inline(__always)
  mutating func popFrame(returning value: Value) -> Int32? {
    guard depth > 0 else { return nil }
    let link = Int(base) - Int(Self.recordSize)
    let packed = slots[link].bits
    let dst = Int(slots[link + 1].bits)
    slots.removeSubrange(link...)
    base = Int32(truncatingIfNeeded: packed >> 32)
    depth -= 1
    dirtyFrom = min(dirtyFrom, base)
    if dst >= 0 { self[dst] = value }
    return Int32(truncatingIfNeeded: packed)
  }

  /// Ends the thread: it keeps only `slots` (its result, for `finally`, or nothing), and the
  /// detail of its last fault.
  mutating func finish(pc: Int32, keeping slots: [Value]) {
    self = ThreadState(pc: pc, faultDetail: faultDetail, slots: slots)
  }

  /// The caller of the frame at `base` (which must not be the outermost): the pc it resumes at
  /// and its base.
  @inline(__always)
  func caller(of base: Int) -> (returnPc: Int32, base: Int) {
    let link = slots[base - Int(Self.recordSize)].bits
    return (Int32(truncatingIfNeeded: link), Int(Int32(truncatingIfNeeded: link >> 32)))
  }

  /// Calls `body` with the slots borrowed for writing (see `Machine.runFrameLocal`); `body`
  /// writes only the current frame.
  @inline(__always)
  mutating func withSlots<R>(_ body: (UnsafeMutableBufferPointer<Value>) -> R) -> R {
    dirtyFrom = min(dirtyFrom, base)
    return slots.withUnsafeMutableBufferPointer { body($0) }
  }

  /// Marks every slot clean (the thread was stored with its hash).
  mutating func markClean() { dirtyFrom = .max }

  /// Zeroes the slots at `base + offsets[k]` below `top`, for `k` in `range` (see LiveSlots).
  @inline(__always)
  mutating func zero(
    _ offsets: UnsafeBufferPointer<Int32>, _ range: Range<Int>, base: Int, top: Int
  ) {
    // Looks first: most dead slots are zero already, and a write would copy shared slots.
    let needed = slots.withUnsafeBufferPointer { slots in
      range.contains { k in
        let i = base + Int(offsets[k])
        return i < top && slots[i] != .zero
      }
    }
    guard needed else { return }
    dirtyFrom = min(dirtyFrom, Int32(base))
    slots.withUnsafeMutableBufferPointer { slots in
      for k in range {
        let i = base + Int(offsets[k])
        if i < top { slots[i] = .zero }
      }
    }
  }

  static func == (lhs: ThreadState, rhs: ThreadState) -> Bool {
    lhs.pc == rhs.pc && lhs.base == rhs.base && lhs.fault == rhs.fault && lhs.depth == rhs.depth
      && lhs.faultDetail == rhs.faultDetail && lhs.slots == rhs.slots
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(pc)
    hasher.combine(base)
    hasher.combine(fault)
    hasher.combine(depth)
    hasher.combine(faultDetail)
    hasher.combine(slots)
  }
}
