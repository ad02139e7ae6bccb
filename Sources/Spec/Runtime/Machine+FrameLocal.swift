// The interpreter's fast path: runs of instructions that touch only the current frame.
extension Machine {
  /// Runs the instructions from `ts.pc` on that read and write only the current frame's slots
  /// (constants, moves, arithmetic, jumps and branches, `element`), in place, and stops at the
  /// first other one, or at `end`, for the caller's loop. False when one faulted (division by
  /// zero, an index out of bounds, or fuel run out), the thread then parked on it.
  ///
  /// Why a loop of its own: through `Array`, every slot write checks that the storage is unique
  /// and every access is bounds-checked; here the frame is borrowed once for the whole run. The
  /// caller has counted the fuel of the first instruction; each later one counts its own, so the
  /// fuel runs out at the same instruction as one by one.
  @inline(__always)
  func runFrameLocal(_ ts: inout ThreadState, fuel: inout Int, end: Int32 = -1) -> Bool {
    let base = Int(ts.base)
    var pc = ts.pc
    var fault = Fault.none
    var detail: Int64 = 0
    ts.withSlots { slots in
      program.ops.withUnsafeBufferPointer { ops in
        var first = true
        while true {
          if !first {
            if pc == end { return }
            fuel -= 1
            if fuel == 0 {
              fault = .outOfFuel
              return
            }
          }
          first = false
          switch ops[Int(pc)] {
          case .constant(let dst, let value):
            slots[base + Int(dst)] = value
          case .move(let dst, let src):
            slots[base + Int(dst)] = slots[base + Int(src)]
          case .unary(let op, let dst, let src):
            slots[base + Int(dst)] = Interpreter.unary(op, slots[base + Int(src)])
          case .binary(let op, let dst, let a, let b):
            guard let v = Interpreter.binary(op, slots[base + Int(a)], slots[base + Int(b)])
            else {
              fault = .divisionByZero
              return
            }
            slots[base + Int(dst)] = v
          case .jump(let target):
            pc = target
            continue
          case .branchFalse(let condition, let target):
            pc = slots[base + Int(condition)].isTrue ? pc + 1 : target
            continue
          case .branchTrue(let condition, let target):
            pc = slots[base + Int(condition)].isTrue ? target : pc + 1
            continue
          case .element(let dst, let cellBase, let length, let index):
            let i = slots[base + Int(index)].bits
            guard i >= 0, i < Int64(length) else {
              fault = .indexOutOfBounds
              detail = i
              return
            }
            slots[base + Int(dst)] = .pointer(Int(cellBase) + Int(i))
          default:
            return
          }
          pc += 1
        }
      }
    }
    ts.pc = pc
    guard fault == .none else {
      ts.fault = fault
      if fault == .indexOutOfBounds { ts.faultDetail = detail }
      return false
    }
    return true
  }
}

extension Op {
  /// Whether `Machine.runFrameLocal` runs the instruction.
  var isFrameLocal: Bool {
    switch self {
    case .constant, .move, .unary, .binary, .jump, .branchFalse, .branchTrue, .element: true
    default: false
    }
  }
}
