import Explorer

/// The arithmetic of the language, shared by the interpreter and the constant folder.
enum Interpreter {
  /// `nil` for a division by zero.
  @inline(__always)
  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value) -> Value? {
    let x = a.bits
    let y = b.bits
    switch op {
    case .add: return .int(x &+ y)
    case .subtract: return .int(x &- y)
    case .multiply: return .int(x &* y)
    case .divide:
      if y == 0 { return nil }
      return .int(x == .min && y == -1 ? x : x / y)
    case .remainder:
      if y == 0 { return nil }
      return .int(x == .min && y == -1 ? 0 : x % y)
    case .and: return .int(x & y)
    case .or: return .int(x | y)
    case .xor: return .int(x ^ y)
    case .shiftLeft: return .int(y >= 0 && y < 64 ? x << y : 0)
    case .shiftRight: return .int(y >= 0 && y < 64 ? x >> y : (x < 0 ? -1 : 0))
    case .equal: return .bool(a.equals(b))
    case .notEqual: return .bool(!a.equals(b))
    case .less: return .bool(x < y)
    case .lessEqual: return .bool(x <= y)
    case .greater: return .bool(x > y)
    case .greaterEqual: return .bool(x >= y)
    }
  }

  @inline(__always)
  static func unary(_ op: UnaryOp, _ a: Value) -> Value {
    switch op {
    case .negate: return .int(0 &- a.bits)
    case .not: return .bool(a.bits == 0)
    case .complement: return .int(~a.bits)
    case .toBool: return .bool(a.bits != 0)
    }
  }
}
