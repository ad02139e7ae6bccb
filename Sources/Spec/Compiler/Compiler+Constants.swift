import Explorer

// Constant expressions, and the operator and special-form tables.
extension Compiler {
  /// Evaluates a constant expression, without diagnostics; nil if it is not constant.
  func constantValue(_ expr: Expr) -> (Value, SpecType)? {
    switch expr.kind {
    case .integer(let v): return (.int(v), .int)
    case .boolean(let b): return (.bool(b), .bool)
    case .name(let name):
      if let (type, value) = library.constants[name] { return (value, type) }
      guard let (global, _) = globals[name] else { return nil }
      switch global {
      case .constant(let value, let type): return (value, type)
      case .shared(let cell, nil, let type) where type == .rwlock || type == .spinlock:
        return (.pointer(cell), type)
      default: return nil
      }
    case .unary(let op, let operand):
      if op == "&" {
        switch operand.kind {
        case .name(let name):
          if case .shared(let cell, nil, let type)? = globals[name]?.0 {
            return (.pointer(cell), type == .rwlock || type == .spinlock ? type : .pointer)
          }
          return nil
        case .index(let array, let index):
          guard case .name(let name) = array.kind,
            case .shared(let cell, let length?, let type)? = globals[name]?.0,
            let (i, _) = constantValue(index), i.bits >= 0, i.bits < Int64(length)
          else { return nil }
          return (
            .pointer(cell + Int(i.bits)), type == .rwlock || type == .spinlock ? type : .pointer
          )
        default: return nil
        }
      }
      guard let (v, type) = constantValue(operand) else { return nil }
      switch op {
      case "-": return (.int(0 &- v.bits), type == .bool ? .int : type)
      case "~": return (.int(~v.bits), .int)
      case "!": return (.bool(!v.isTrue), .bool)
      default: return nil
      }
    case .binary(let op, let left, let right):
      guard let (a, ta) = constantValue(left), let (b, _) = constantValue(right),
        let binary = Compiler.binaryOps[op]
      else {
        if op == "&&" || op == "||", let (a, _) = constantValue(left),
          let (b, _) = constantValue(right)
        {
          return (.bool(op == "&&" ? a.isTrue && b.isTrue : a.isTrue || b.isTrue), .bool)
        }
        return nil
      }
      guard let result = Interpreter.binary(binary, a, b) else { return nil }
      return (result, result.tag == .bool ? .bool : ta == .spte ? .int : ta)
    case .ternary(let c, let a, let b):
      guard let (cv, _) = constantValue(c) else { return nil }
      return constantValue(cv.isTrue ? a : b)
    default:
      return nil
    }
  }

  static let binaryOps: [String: BinaryOp] = [
    "+": .add, "-": .subtract, "*": .multiply, "/": .divide, "%": .remainder, "&": .and,
    "|": .or, "^": .xor, "<<": .shiftLeft, ">>": .shiftRight, "==": .equal, "!=": .notEqual,
    "<": .less, "<=": .lessEqual, ">": .greater, ">=": .greaterEqual,
  ]

  static let specialForms: Set<String> = Set([
    "KVM_BUG_ON", "WARN_ON", "WARN_ON_ONCE", "BUG_ON", "call_rcu", "TDX_BUG_ON",
  ]).union(invariantForms.keys)

  /// The model's invariant checks, each raising its violation kind when its condition holds.
  static let invariantForms: [String: InvariantKind] = [
    "DIVERGENCE_ON": .divergence, "FROZEN_LEFTOVER_ON": .frozenLeftover,
    "ZAP_POLICY_ON": .zapPolicy, "USE_AFTER_FREE_ON": .useAfterFree,
    "LOCK_MISUSE_ON": .lockMisuse, "RACE_ON": .race,
  ]
}
