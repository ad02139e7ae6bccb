import Explorer

// Calls: spec functions, builtins with their arity and labels, special forms.
extension Compiler {
  func argumentLabelsCheck(
    _ name: String, _ arguments: [Argument], _ parameterNames: [String]
  ) {
    for (i, argument) in arguments.enumerated() {
      if let label = argument.label, i < parameterNames.count, label != parameterNames[i] {
        sink.error(
          argument.value.location,
          "argument label '\(label)' does not match parameter '\(parameterNames[i])' of '\(name)'")
      }
    }
  }

  func arityMessage(_ name: String, _ expected: Int, _ given: Int, atLeast: Bool = false)
    -> String
  {
    "'\(name)' takes \(atLeast ? "at least " : "")\(expected) argument\(expected == 1 ? "" : "s"), but \(given) \(given == 1 ? "was" : "were") given"
  }

  func call(
    _ name: String, _ arguments: [Argument], _ expr: Expr, into: Int32?, needValue: Bool
  ) -> Operand {
    if lookupLocal(name) != nil {
      sink.error(expr.location, "'\(name)' is a local variable, not a function")
      return invalid(into: into)
    }
    if Compiler.specialForms.contains(name) {
      return specialForm(name, arguments, expr, into: into)
    }
    if let builtin = library.builtins[name] {
      return callBuiltin(builtin, arguments, expr, into: into, needValue: needValue)
    }
    guard let (global, _) = globals[name] else {
      sink.error(expr.location, "unknown function '\(name)'" + suggestFunction(name))
      for argument in arguments { _ = expression(argument.value) }
      return invalid(into: into)
    }
    guard case .function(let index) = global else {
      sink.error(expr.location, "'\(name)' is a \(describe(global)), not a function")
      return invalid(into: into)
    }
    let signature = signatures[index]
    if arguments.count != signature.parameters.count {
      sink.error(expr.location, arityMessage(name, signature.parameters.count, arguments.count))
    }
    argumentLabelsCheck(name, arguments, signature.parameters.map(\.name))
    let base = nextSlot
    for _ in arguments { _ = temp() }
    for (i, argument) in arguments.enumerated() {
      let v = expression(argument.value, into: base + Int32(i))
      if i < signature.parameters.count {
        let p = signature.parameters[i]
        checkAssignable(
          v.type, to: p.type, argument.value.location,
          "argument \(i + 1) of '\(name)' must be \(p.type), not \(v.type)")
      }
    }
    if needValue && signature.result == .void {
      sink.error(expr.location, "'\(name)' returns void; its result cannot be used")
    }
    let dst = into ?? temp()
    _ = emit(
      .call(
        function: Int32(index), argumentBase: base, argumentCount: Int32(arguments.count), dst: dst),
      expr.location, text: text(expr))
    return Operand(slot: dst, type: signature.result)
  }

  func callBuiltin(
    _ builtin: Builtin, _ arguments: [Argument], _ expr: Expr, into: Int32?, needValue: Bool
  ) -> Operand {
    let name = builtin.name
    let fixed = builtin.parameters.count
    if builtin.isVariadic ? arguments.count < fixed : arguments.count != fixed {
      sink.error(
        expr.location, arityMessage(name, fixed, arguments.count, atLeast: builtin.isVariadic))
    }
    if arguments.count > BuiltinArguments.capacity {
      sink.error(expr.location, "'\(name)' can take at most \(BuiltinArguments.capacity) arguments")
      return invalid(into: into)
    }
    if builtin.threadOnly && context != .function {
      sink.error(
        expr.location,
        "'\(name)' cannot be used in an '\(context == .initBlock ? "init" : "finally")' block")
    }
    if builtin.isNondeterministic && atomicDepth > 0 {
      sink.error(expr.location, "'\(name)' cannot be used inside 'atomic' or 'await'")
    }
    if name == "choose", arguments.count == 1,
      let (value, _) = constantValue(arguments[0].value), value.tag == .int,
      !(1...Int64(Library.maxChoices)).contains(value.bits)
    {
      sink.error(
        arguments[0].value.location,
        "'\(name)(n)' needs 1 <= n <= \(Library.maxChoices), not \(value.bits)")
    }
    argumentLabelsCheck(name, arguments, builtin.parameters.map(\.name))
    let base = nextSlot
    for _ in arguments { _ = temp() }
    var out: Int32 = -1
    for (i, argument) in arguments.enumerated() {
      let slot = base + Int32(i)
      let parameter =
        builtin.parameters.isEmpty
        ? Builtin.Parameter("x", .any) : builtin.parameters[min(i, fixed - 1)]
      let ordinal = "argument \(i + 1) of '\(name)'"
      switch parameter.mode {
      case .value:
        let v = expression(argument.value, into: slot)
        checkAssignable(
          v.type, to: parameter.type, argument.value.location,
          "\(ordinal) must be \(parameter.type), not \(v.type)")
      case .location:
        locationArgument(argument.value, into: slot, ordinal: ordinal)
      case .out:
        guard case .unary("&", let inner) = argument.value.kind, case .name(let local) = inner.kind,
          let index = lookupLocal(local)
        else {
          sink.error(argument.value.location, "\(ordinal) must be '&' and a local variable")
          continue
        }
        locals[index].isRead = true
        _ = emit(.move(dst: slot, src: locals[index].slot), argument.value.location)
        out = locals[index].slot
      case .lock(let type):
        var inner = argument.value
        if case .unary("&", let operand) = inner.kind { inner = operand }
        let isName: Bool
        if case .name = inner.kind {
          isName = true
        } else if case .index = inner.kind {
          isName = true
        } else {
          isName = false
        }
        guard isName else {
          sink.error(argument.value.location, "\(ordinal) must be a \(type)")
          continue
        }
        let v = expression(inner, into: slot)
        if v.type != type && v.type != .any {
          sink.error(argument.value.location, "\(ordinal) must be a \(type), not \(v.type)")
        }
      }
    }
    if needValue && builtin.result == .void {
      sink.error(expr.location, "'\(name)' returns void; its result cannot be used")
    }
    let dst = into ?? temp()
    emitBuiltin(
      name, base: base, count: Int32(arguments.count), dst: dst, out: out, location: expr.location,
      text: text(expr))
    return Operand(slot: dst, type: builtin.result)
  }

  /// A shared location passed to a builtin, as a pointer in `slot`.
  func locationArgument(_ expr: Expr, into slot: Int32, ordinal: String) {
    switch expr.kind {
    case .name(let name):
      if let index = lookupLocal(name) {
        let local = locals[index]
        if local.type == .pointer || local.type == .any {
          locals[index].isRead = true
          _ = emit(.move(dst: slot, src: local.slot), expr.location)
          return
        }
        sink.error(
          expr.location,
          "\(ordinal) must be a shared location (a shared variable, an array element or a pointer), not the local value '\(name)'"
        )
        return
      }
      guard case .shared(let cell, let length, let type)? = globals[name]?.0 else {
        if globals[name] == nil && library.constants[name] == nil {
          sink.error(expr.location, "unknown name '\(name)'" + suggestName(name))
        } else {
          sink.error(
            expr.location,
            "\(ordinal) must be a shared location (a shared variable, an array element or a pointer)"
          )
        }
        return
      }
      if let length {
        sink.error(
          expr.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        return
      }
      if type == .rwlock || type == .spinlock {
        sink.error(expr.location, "\(ordinal) must be a shared location, not the lock '\(name)'")
        return
      }
      _ = emit(.constant(dst: slot, value: .pointer(cell)), expr.location)
    case .index:
      guard let (pointer, _) = elementPointer(expr) else { return }
      _ = emit(.move(dst: slot, src: pointer), expr.location)
    case .unary("*", let operand):
      let p = expression(operand, into: slot)
      if p.type != .pointer && p.type != .any {
        sink.error(operand.location, "cannot dereference a value of type \(p.type)")
      }
    default:
      let v = expression(expr, into: slot)
      if v.type != .pointer && v.type != .any {
        sink.error(
          expr.location,
          "\(ordinal) must be a shared location (a shared variable, an array element or a pointer)")
      }
    }
  }

  func specialForm(_ name: String, _ arguments: [Argument], _ expr: Expr, into: Int32?)
    -> Operand
  {
    if name == "call_rcu" {
      // call_rcu(f, args...): modelled as a grace period (synchronize_rcu) followed by f(args).
      guard let first = arguments.first, case .name(let function) = first.value.kind else {
        sink.error(expr.location, "'call_rcu' takes a function name and its arguments")
        return invalid(into: into)
      }
      if context != .function {
        sink.error(
          expr.location,
          "'call_rcu' cannot be used in an '\(context == .initBlock ? "init" : "finally")' block")
      }
      emitBuiltin(
        "synchronize_rcu", base: nextSlot, count: 0, dst: -1, out: -1, location: expr.location,
        text: text(expr))
      let call = Expr(
        kind: .call(name: function, arguments: Array(arguments.dropFirst())),
        location: first.value.location, start: expr.start, end: expr.end)
      _ = expression(call, needValue: false)
      return Operand(slot: into ?? temp(), type: .void)
    }
    // KVM_BUG_ON(cond[, kvm]), WARN_ON(cond), WARN_ON_ONCE(cond), BUG_ON(cond).
    let allowsVM = name == "KVM_BUG_ON"
    if arguments.isEmpty || arguments.count > (allowsVM ? 2 : 1) {
      sink.error(
        expr.location,
        allowsVM
          ? "'KVM_BUG_ON' takes a condition and optionally the VM, but \(arguments.count) arguments were given"
          : arityMessage(name, 1, arguments.count))
      return invalid(into: into)
    }
    if arguments.count == 2, case .name = arguments[1].value.kind {
    } else if arguments.count == 2 {
      sink.error(
        arguments[1].value.location,
        "the second argument of 'KVM_BUG_ON' must be a name (it is ignored)")
    }
    let dst = into ?? temp()
    let v = expression(arguments[0].value, into: dst)
    requireNumeric(v.type, arguments[0].value.location, name)
    let kind: CheckKind
    if let invariant = Self.invariantForms[name] {
      kind = .invariant(invariant)
    } else if name == "TDX_BUG_ON" {
      kind = .tdxBugOn
    } else {
      kind = name == "KVM_BUG_ON" ? .kvmBugOn : name == "BUG_ON" ? .bugOn : .warnOn
    }
    _ = emit(.check(kind, condition: dst), expr.location, text: text(expr))
    return Operand(slot: dst, type: .bool)
  }
}
