import Explorer

// Assignment: stores to locals, shared cells and through pointers.
extension Compiler {
  func assign(op: String, target: Expr, value: Expr, location: SourceLocation) {
    let binary: BinaryOp? = op == "=" ? nil : Compiler.binaryOps[String(op.dropLast())]
    switch target.kind {
    case .name(let name):
      if let index = lookupLocal(name) {
        let local = locals[index]
        var v = expression(value)
        if let binary {
          requireNumeric(local.type, target.location, op)
          requireNumeric(v.type, value.location, op)
          let t = temp()
          _ = emit(.binary(binary, dst: t, a: local.slot, b: v.slot), location)
          v = Operand(slot: t, type: .int)
        } else {
          checkAssignable(
            v.type, to: local.type, value.location,
            "cannot assign a value of type \(v.type) to '\(name)' of type \(local.type)")
        }
        _ = emit(.move(dst: local.slot, src: v.slot), location)
        return
      }
      guard let (global, _) = globals[name] else {
        if library.constants[name] != nil {
          sink.error(target.location, "cannot assign to constant '\(name)'")
        } else {
          sink.error(target.location, "unknown name '\(name)'" + suggestName(name))
        }
        _ = expression(value)
        return
      }
      switch global {
      case .constant:
        sink.error(target.location, "cannot assign to constant '\(name)'")
        _ = expression(value)
      case .function:
        sink.error(target.location, "cannot assign to function '\(name)'")
        _ = expression(value)
      case .shared(_, let length?, _):
        sink.error(
          target.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        _ = expression(value)
      case .shared(let cell, nil, let type):
        if type == .rwlock || type == .spinlock {
          sink.error(
            target.location, "cannot assign to lock '\(name)'; use its lock and unlock builtins")
          _ = expression(value)
          return
        }
        let pointer = temp()
        _ = emit(.constant(dst: pointer, value: .pointer(cell)), target.location)
        storeThrough(
          pointer: pointer, elementType: type, op: op, binary: binary, target: target, value: value,
          location: location)
      }
    case .index:
      guard let (pointer, type) = elementPointer(target) else {
        _ = expression(value)
        return
      }
      storeThrough(
        pointer: pointer, elementType: type, op: op, binary: binary, target: target, value: value,
        location: location)
    case .unary("*", let operand):
      let p = expression(operand)
      if p.type != .pointer && p.type != .any {
        sink.error(operand.location, "cannot dereference a value of type \(p.type)")
      }
      storeThrough(
        pointer: p.slot, elementType: .any, op: op, binary: binary, target: target, value: value,
        location: location)
    default:
      sink.error(target.location, "the left side of '\(op)' is not assignable")
      _ = expression(value)
    }
  }

  /// `*pointer op= value` as a plain load (for compound assignments) and a plain store.
  func storeThrough(
    pointer: Int32, elementType: SpecType, op: String, binary: BinaryOp?, target: Expr, value: Expr,
    location: SourceLocation
  ) {
    let args = temp()
    let valueSlot = temp()
    _ = emit(.move(dst: args, src: pointer), location)
    if let binary {
      let old = temp()
      emitBuiltin(
        Library.plainLoad, base: args, count: 1, dst: old, out: -1, location: target.location,
        text: text(target))
      let v = expression(value)
      requireNumeric(elementType, target.location, op)
      requireNumeric(v.type, value.location, op)
      _ = emit(.binary(binary, dst: valueSlot, a: old, b: v.slot), location)
    } else {
      let v = expression(value, into: valueSlot)
      checkAssignable(
        v.type, to: elementType, value.location,
        "cannot assign a value of type \(v.type) to '\(text(target))' of type \(elementType)")
    }
    // `x++` arrives as `x += 1` with a synthetic, empty-ranged `1`.
    let shown =
      value.start == value.end
      ? "\(text(target))\(op == "+=" ? "++" : "--")" : "\(text(target)) \(op) \(text(value))"
    emitBuiltin(
      Library.plainStore, base: args, count: 2, dst: -1, out: -1, location: location, text: shown)
  }

  func emitBuiltin(
    _ name: String, base: Int32, count: Int32, dst: Int32, out: Int32, location: SourceLocation,
    text: String
  ) {
    guard let index = builtinIndex[name] else { return }
    let builtin = builtins[Int(index)]
    if builtin.isSchedulingPoint {
      _ = emit(
        .visible(builtin: index, argumentBase: base, argumentCount: count, dst: dst, out: out),
        location, text: text)
    } else {
      _ = emit(
        .local(builtin: index, argumentBase: base, argumentCount: count, dst: dst, out: out),
        location, text: text)
    }
  }

  /// The pointer to `array[index]` in a fresh slot, with the element type.
  func elementPointer(_ expr: Expr) -> (Int32, SpecType)? {
    guard case .index(let array, let index) = expr.kind else { return nil }
    guard case .name(let name) = array.kind else {
      sink.error(array.location, "only shared arrays can be indexed")
      return nil
    }
    if lookupLocal(name) != nil {
      sink.error(
        array.location, "'\(name)' is a local variable, not a shared array; it cannot be indexed")
      return nil
    }
    guard case .shared(let cell, let length, let type)? = globals[name]?.0 else {
      if globals[name] == nil && library.constants[name] == nil {
        sink.error(array.location, "unknown name '\(name)'" + suggestName(name))
      } else {
        sink.error(array.location, "'\(name)' is not a shared array; it cannot be indexed")
      }
      return nil
    }
    guard let length else {
      sink.error(array.location, "'\(name)' is not an array; it cannot be indexed")
      return nil
    }
    let i = expression(index)
    requireNumeric(i.type, index.location, "[]")
    if let (v, _) = constantValue(index), v.bits < 0 || v.bits >= Int64(length) {
      sink.error(
        index.location,
        "index \(v.bits) is out of bounds for '\(name)', which has \(length) elements")
    }
    let dst = temp()
    _ = emit(
      .element(dst: dst, base: Int32(cell), length: Int32(length), index: i.slot), expr.location,
      text: text(expr))
    return (dst, type)
  }

  func requireNumeric(_ type: SpecType, _ location: SourceLocation, _ op: String) {
    if !(type.isNumeric || type == .spte) {
      sink.error(location, "operator '\(op)' needs int or bool operands, not \(type)")
    }
  }
}
