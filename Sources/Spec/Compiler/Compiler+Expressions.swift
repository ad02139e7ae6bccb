import Explorer

// Expressions: operands, operators, address-of.
extension Compiler {
  struct Operand {
    var slot: Int32
    var type: SpecType
  }

  func conditionValue(_ expr: Expr) -> Int32 {
    let v = expression(expr)
    if !(v.type.isNumeric || v.type == .spte) {
      sink.error(expr.location, "a condition must be int or bool, not \(v.type)")
    }
    return v.slot
  }

  func place(_ slot: Int32, into: Int32?, _ location: SourceLocation) -> Int32 {
    guard let into, into != slot else { return slot }
    _ = emit(.move(dst: into, src: slot), location)
    return into
  }

  func constant(_ value: Value, _ type: SpecType, into: Int32?, _ location: SourceLocation)
    -> Operand
  {
    let dst = into ?? temp()
    _ = emit(.constant(dst: dst, value: value), location)
    return Operand(slot: dst, type: type)
  }

  func invalid(into: Int32?) -> Operand { Operand(slot: into ?? temp(), type: .any) }

  func expression(_ expr: Expr, into: Int32? = nil, needValue: Bool = true) -> Operand {
    switch expr.kind {
    case .integer(let v):
      return constant(.int(v), .int, into: into, expr.location)
    case .boolean(let b):
      return constant(.bool(b), .bool, into: into, expr.location)
    case .string:
      sink.error(
        expr.location,
        "string literals are only allowed as 'assert' messages and '@kernel' arguments")
      return invalid(into: into)
    case .name(let name):
      if let index = lookupLocal(name) {
        locals[index].isRead = true
        let local = locals[index]
        return Operand(slot: place(local.slot, into: into, expr.location), type: local.type)
      }
      if let (type, value) = library.constants[name] {
        return constant(value, type, into: into, expr.location)
      }
      guard let (global, _) = globals[name] else {
        if library.builtins[name] != nil || Compiler.specialForms.contains(name) {
          sink.error(expr.location, "builtin '\(name)' must be called with '(...)'")
        } else {
          sink.error(expr.location, "unknown name '\(name)'" + suggestName(name))
        }
        return invalid(into: into)
      }
      switch global {
      case .constant(let value, let type):
        return constant(value, type, into: into, expr.location)
      case .function:
        sink.error(expr.location, "'\(name)' is a function; call it with '(...)'")
        return invalid(into: into)
      case .shared(_, let length?, _):
        sink.error(
          expr.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        return invalid(into: into)
      case .shared(let cell, nil, let type):
        if type == .rwlock || type == .spinlock {
          return constant(.pointer(cell), type, into: into, expr.location)
        }
        let args = temp()
        _ = emit(.constant(dst: args, value: .pointer(cell)), expr.location)
        let dst = into ?? temp()
        emitBuiltin(
          Library.plainLoad, base: args, count: 1, dst: dst, out: -1, location: expr.location,
          text: name)
        return Operand(slot: dst, type: type)
      }
    case .index:
      guard let (pointer, type) = elementPointer(expr) else { return invalid(into: into) }
      if type == .rwlock || type == .spinlock {
        return Operand(slot: place(pointer, into: into, expr.location), type: type)
      }
      let dst = into ?? temp()
      emitBuiltin(
        Library.plainLoad, base: pointer, count: 1, dst: dst, out: -1, location: expr.location,
        text: text(expr))
      return Operand(slot: dst, type: type)
    case .unary(let op, let operand):
      switch op {
      case "&":
        return addressOf(operand, into: into, whole: expr)
      case "*":
        let p = expression(operand)
        if p.type != .pointer && p.type != .any {
          sink.error(operand.location, "cannot dereference a value of type \(p.type)")
        }
        let args = temp()
        _ = emit(.move(dst: args, src: p.slot), expr.location)
        let dst = into ?? temp()
        emitBuiltin(
          Library.plainLoad, base: args, count: 1, dst: dst, out: -1, location: expr.location,
          text: text(expr))
        return Operand(slot: dst, type: .any)
      default:
        let v = expression(operand)
        let dst = into ?? temp()
        switch op {
        case "-":
          requireNumeric(v.type, expr.location, op)
          _ = emit(.unary(.negate, dst: dst, src: v.slot), expr.location)
          return Operand(slot: dst, type: .int)
        case "~":
          requireNumeric(v.type, expr.location, op)
          _ = emit(.unary(.complement, dst: dst, src: v.slot), expr.location)
          return Operand(slot: dst, type: .int)
        default:
          requireNumeric(v.type, expr.location, op)
          _ = emit(.unary(.not, dst: dst, src: v.slot), expr.location)
          return Operand(slot: dst, type: .bool)
        }
      }
    case .binary(let op, let left, let right):
      if op == "&&" || op == "||" {
        let dst = into ?? temp()
        let l = expression(left, into: dst)
        requireNumeric(l.type, left.location, op)
        let skip = emit(
          op == "&&"
            ? .branchFalse(condition: dst, target: 0) : .branchTrue(condition: dst, target: 0),
          expr.location)
        let mark = nextSlot
        let r = expression(right, into: dst)
        nextSlot = mark
        requireNumeric(r.type, right.location, op)
        patch(skip, target: ops.count)
        _ = emit(.unary(.toBool, dst: dst, src: dst), expr.location)
        return Operand(slot: dst, type: .bool)
      }
      let l = expression(left)
      let r = expression(right)
      let dst = into ?? temp()
      guard let binary = Compiler.binaryOps[op] else { return invalid(into: into) }
      let isComparison = [BinaryOp.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
        .contains(binary)
      if binary == .equal || binary == .notEqual {
        if !l.type.isAssignable(to: r.type) && !r.type.isAssignable(to: l.type) {
          sink.error(expr.location, "cannot compare \(l.type) with \(r.type)")
        }
      } else {
        requireNumeric(l.type, left.location, op)
        requireNumeric(r.type, right.location, op)
      }
      if binary == .divide || binary == .remainder, let (v, _) = constantValue(right), v.bits == 0 {
        sink.error(right.location, "division by zero")
      }
      _ = emit(.binary(binary, dst: dst, a: l.slot, b: r.slot), expr.location)
      return Operand(slot: dst, type: isComparison ? .bool : .int)
    case .ternary(let condition, let a, let b):
      let c = conditionValue(condition)
      let dst = into ?? temp()
      let branch = emit(.branchFalse(condition: c, target: 0), expr.location)
      let mark = nextSlot
      let va = expression(a, into: dst)
      nextSlot = mark
      let skip = emit(.jump(target: 0), expr.location)
      patch(branch, target: ops.count)
      let vb = expression(b, into: dst)
      nextSlot = mark
      patch(skip, target: ops.count)
      if !va.type.isAssignable(to: vb.type) {
        sink.error(
          expr.location, "the branches of '?:' have different types: \(va.type) and \(vb.type)")
      }
      return Operand(slot: dst, type: va.type == .any ? vb.type : va.type)
    case .call(let name, let arguments):
      return call(name, arguments, expr, into: into, needValue: needValue)
    }
  }

  func addressOf(_ operand: Expr, into: Int32?, whole: Expr) -> Operand {
    switch operand.kind {
    case .name(let name):
      if lookupLocal(name) != nil {
        sink.error(
          operand.location,
          "cannot take the address of local variable '\(name)'; only builtins take '&local' out-parameters"
        )
        return invalid(into: into)
      }
      guard case .shared(let cell, let length, let type)? = globals[name]?.0 else {
        if globals[name] == nil && library.constants[name] == nil {
          sink.error(operand.location, "unknown name '\(name)'" + suggestName(name))
        } else {
          sink.error(operand.location, "'&' needs a shared variable, not '\(name)'")
        }
        return invalid(into: into)
      }
      if let length {
        sink.error(
          operand.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        return invalid(into: into)
      }
      let isLock = type == .rwlock || type == .spinlock
      return constant(.pointer(cell), isLock ? type : .pointer, into: into, whole.location)
    case .index:
      guard let (pointer, type) = elementPointer(operand) else { return invalid(into: into) }
      let isLock = type == .rwlock || type == .spinlock
      return Operand(
        slot: place(pointer, into: into, whole.location), type: isLock ? type : .pointer)
    default:
      sink.error(operand.location, "'&' needs a shared variable or array element")
      return invalid(into: into)
    }
  }
}
