import Explorer

// Statements, loops and their bounds, and the static footprint of each step.
extension Compiler {
  /// Compiles a statement; returns whether control can fall through it.
  func statement(_ stmt: Stmt) -> Bool {
    let mark = nextSlot
    switch stmt.kind {
    case .invalid:
      return true
    case .block(let statements):
      scopes.append([:])
      let localMark = nextSlot
      var reachable = true
      var warned = false
      for s in statements {
        if !reachable, !warned {
          if case .invalid = s.kind {
          } else {
            sink.warning(s.location, "this statement is never executed")
            warned = true
          }
        }
        let falls = statement(s)
        if reachable && !falls { reachable = false }
      }
      scopes.removeLast()
      nextSlot = localMark
      return reachable
    case .local(let typeRef, let name, let initial):
      let type = resolveType(typeRef)
      if type == .void { sink.error(typeRef.location, "variable '\(name)' cannot have type void") }
      if type == .rwlock || type == .spinlock {
        sink.error(typeRef.location, "locks must be declared at top level, not as local variables")
      }
      if let initial {
        // Evaluate before declaring, so `int x = x;` sees the outer x.
        let mark = nextSlot
        let value = expression(initial)
        nextSlot = mark
        let slot = declareLocal(name, type, stmt.location, parameter: false)
        checkAssignable(
          value.type, to: type, initial.location,
          "cannot initialise '\(name)' of type \(type) with a value of type \(value.type)")
        _ = emit(.move(dst: slot, src: value.slot), stmt.location)
      } else {
        let slot = declareLocal(name, type, stmt.location, parameter: false)
        let zero: Value =
          type == .bool ? .bool(false) : type == .spte ? SPTE(kind: .nonPresent).value : .zero
        _ = emit(.constant(dst: slot, value: zero), stmt.location)
      }
      return true
    case .assign(let op, let target, let value):
      assign(op: op, target: target, value: value, location: stmt.location)
      nextSlot = mark
      return true
    case .increment(let target, let delta):
      let one = Expr(kind: .integer(1), location: stmt.location, start: target.end, end: target.end)
      assign(op: delta > 0 ? "+=" : "-=", target: target, value: one, location: stmt.location)
      nextSlot = mark
      return true
    case .expression(let expr):
      compileReleaseHooks(stmt, expr)
      if case .call = expr.kind {
        _ = expression(expr, needValue: false)
      } else {
        sink.warning(expr.location, "expression result is unused")
        _ = expression(expr)
      }
      nextSlot = mark
      return true
    case .ifElse(let condition, let then, let otherwise):
      let c = conditionValue(condition)
      let branch = emit(.branchFalse(condition: c, target: 0), condition.location)
      nextSlot = mark
      let thenFalls = statement(then)
      if let otherwise {
        let skip = emit(.jump(target: 0), stmt.location)
        patch(branch, target: ops.count)
        let elseFalls = statement(otherwise)
        patch(skip, target: ops.count)
        return thenFalls || elseFalls
      }
      patch(branch, target: ops.count)
      return true
    case .whileLoop(let condition, let boundExpr, let body):
      let bound = loopBound(boundExpr, implicit: nil, at: stmt.location, isFor: false)
      let counter = temp()
      _ = emit(.constant(dst: counter, value: .zero), stmt.location)
      let top = ops.count
      let constantTrue = constantValue(condition).map { $0.0.isTrue } ?? false
      let c = conditionValue(condition)
      let exit = emit(.branchFalse(condition: c, target: 0), condition.location)
      _ = emit(
        .loopCheck(counter: counter, bound: bound, isRetry: true), stmt.location,
        text: "while (\(text(condition)))")
      loops.append(LoopContext(atomicDepth: atomicDepth))
      _ = statement(body)
      let loop = loops.removeLast()
      _ = emit(.jump(target: Int32(top)), stmt.location)
      for at in loop.continues { patch(at, target: top) }
      patch(exit, target: ops.count)
      for at in loop.breaks { patch(at, target: ops.count) }
      nextSlot = mark
      return !(constantTrue && !loop.hasBreak)
    case .doWhile(let body, let condition, let boundExpr):
      let bound = loopBound(boundExpr, implicit: nil, at: stmt.location, isFor: false)
      let counter = temp()
      _ = emit(.constant(dst: counter, value: .zero), stmt.location)
      let top = ops.count
      _ = emit(
        .loopCheck(counter: counter, bound: bound, isRetry: true), stmt.location,
        text: "do ... while (\(text(condition)))")
      loops.append(LoopContext(atomicDepth: atomicDepth))
      _ = statement(body)
      let loop = loops.removeLast()
      let continueTarget = ops.count
      let constantTrue = constantValue(condition).map { $0.0.isTrue } ?? false
      let c = conditionValue(condition)
      _ = emit(.branchTrue(condition: c, target: Int32(top)), condition.location)
      for at in loop.continues { patch(at, target: continueTarget) }
      for at in loop.breaks { patch(at, target: ops.count) }
      nextSlot = mark
      return !(constantTrue && !loop.hasBreak)
    case .forLoop(let initial, let condition, let step, let boundExpr, let body):
      scopes.append([:])
      if let initial { _ = statement(initial) }
      let implicit = staticIterations(initial: initial, condition: condition, step: step)
      let bound = loopBound(boundExpr, implicit: implicit, at: stmt.location, isFor: true)
      let counter = temp()
      _ = emit(.constant(dst: counter, value: .zero), stmt.location)
      let top = ops.count
      var exit: Int? = nil
      let loopMark = nextSlot
      if let condition {
        let c = conditionValue(condition)
        exit = emit(.branchFalse(condition: c, target: 0), condition.location)
        nextSlot = loopMark
      }
      _ = emit(
        .loopCheck(counter: counter, bound: bound, isRetry: implicit == nil), stmt.location,
        text: "for (...)")
      loops.append(LoopContext(atomicDepth: atomicDepth))
      _ = statement(body)
      let loop = loops.removeLast()
      let continueTarget = ops.count
      if let step { _ = statement(step) }
      _ = emit(.jump(target: Int32(top)), stmt.location)
      for at in loop.continues { patch(at, target: continueTarget) }
      if let exit { patch(exit, target: ops.count) }
      for at in loop.breaks { patch(at, target: ops.count) }
      scopes.removeLast()
      nextSlot = mark
      let constantTrue = condition.map { constantValue($0).map { $0.0.isTrue } ?? false } ?? true
      return !(constantTrue && !loop.hasBreak)
    case .returnValue(let value):
      if atomicDepth > 0 { sink.error(stmt.location, "'return' cannot leave an 'atomic' block") }
      if context != .function {
        sink.error(
          stmt.location,
          "'return' is not allowed in an '\(context == .initBlock ? "init" : "finally")' block")
      }
      if let value {
        let v = expression(value)
        if currentResult == .void {
          sink.error(value.location, "void function '\(currentName)' cannot return a value")
        } else {
          checkAssignable(
            v.type, to: currentResult, value.location,
            "cannot return a value of type \(v.type) from '\(currentName)', which returns \(currentResult)"
          )
        }
        _ = emit(.ret(src: v.slot), stmt.location)
      } else {
        if currentResult != .void {
          sink.error(
            stmt.location, "function '\(currentName)' must return a value of type \(currentResult)")
        }
        _ = emit(.ret(src: -1), stmt.location)
      }
      nextSlot = mark
      return false
    case .breakLoop, .continueLoop:
      let isBreak: Bool
      if case .breakLoop = stmt.kind { isBreak = true } else { isBreak = false }
      let word = isBreak ? "break" : "continue"
      guard !loops.isEmpty else {
        sink.error(stmt.location, "'\(word)' outside a loop")
        return false
      }
      if loops[loops.count - 1].atomicDepth != atomicDepth {
        sink.error(stmt.location, "'\(word)' cannot leave an 'atomic' block")
      }
      let at = emit(.jump(target: 0), stmt.location)
      if isBreak {
        loops[loops.count - 1].breaks.append(at)
        loops[loops.count - 1].hasBreak = true
      } else {
        loops[loops.count - 1].continues.append(at)
      }
      return false
    case .atomic(let body):
      if context != .function { sink.error(stmt.location, "'atomic' is only allowed in functions") }
      let begin = emit(.atomicBegin(end: 0), stmt.location, text: atomicText(at: stmt.location))
      regionFootprints[Int32(begin)] = regionFootprint(body: body, condition: nil)
      atomicDepth += 1
      let falls = statement(body)
      atomicDepth -= 1
      _ = emit(.atomicEnd, stmt.location)
      closeRegion(begin, stmt.location, unsharedWarning: "'atomic' block touches no shared state")
      return falls
    case .await(let condition):
      if context != .function { sink.error(stmt.location, "'await' is only allowed in functions") }
      let begin = emit(.awaitBegin(end: 0), stmt.location, text: "await (\(text(condition)))")
      regionFootprints[Int32(begin)] = regionFootprint(body: nil, condition: condition)
      atomicDepth += 1
      let c = conditionValue(condition)
      atomicDepth -= 1
      _ = emit(.awaitEnd(condition: c), stmt.location)
      closeRegion(
        begin, stmt.location,
        unsharedWarning: "'await' condition reads no shared state: once false it stays false")
      nextSlot = mark
      return true
    case .select(let arms):
      return select(arms, stmt)
    case .assert(let condition, let message):
      let c = conditionValue(condition)
      _ = emit(
        .check(.assert, condition: c), stmt.location, text: message ?? "assert(\(text(condition)))")
      nextSlot = mark
      return true
    }
  }

  /// Ends the region opened at `begin` (an atomic, await or select region): points its begin
  /// at the end, records its footprint, and warns when it touches no shared state.
  func closeRegion(_ begin: Int, _ location: SourceLocation, unsharedWarning: String?) {
    patch(begin, target: ops.count)
    recordStaticFootprint(begin: begin, end: ops.count)
    if let unsharedWarning, !touchesShared(begin + 1, ops.count) {
      sink.warning(location, unsharedWarning)
    }
  }

  /// Every access an `atomic` or `await` region may make, when the region's loads and stores
  /// all name their cells directly (a shared variable or an array, not a pointer or a call).
  ///
  /// The dry run gives the accesses of the path taken in the current state; adding the others
  /// makes the footprint the same in every state. That is not needed for soundness, but a
  /// blocking step whose footprint changes with the state (`await (x != 1 || y == 0)` reads
  /// `y` only when `x == 1`) can cost optimal DPOR sleep-set-blocked executions.
  func recordStaticFootprint(begin: Int, end: Int) {
    var footprint = Footprint()
    var pointers: [Int32: [Int]] = [:]
    for pc in (begin + 1)..<end {
      switch ops[pc] {
      case .constant(let dst, let value):
        pointers[dst] = value.tag == .pointer ? [Int(value.bits)] : nil
      case .element(let dst, let base, let length, _):
        pointers[dst] = Array(Int(base)..<Int(base + length))
      case .move(let dst, let src):
        pointers[dst] = pointers[src]
      case .visible(let builtin, let base, _, _, _):
        let fast = builtins[Int(builtin)].fastPath
        guard fast == .load || fast == .store, let cells = pointers[base] else { return }
        for cell in cells { footprint.insert(object: cell, mode: fast == .load ? .read : .write) }
      case .call, .local: return
      case .unary(_, let dst, _), .binary(_, let dst, _, _): pointers[dst] = nil
      default: break
      }
    }
    staticFootprints[Int32(begin)] = footprint
  }

  /// Whether the instructions in `from..<to` may touch shared state (a visible step or a call).
  func touchesShared(_ from: Int, _ to: Int) -> Bool {
    guard from < to else { return false }
    for pc in from..<to {
      switch ops[pc] {
      case .visible, .call, .check(.kvmBugOn, _): return true
      default: continue
      }
    }
    return false
  }

  func checkAssignable(
    _ from: SpecType, to: SpecType, _ location: SourceLocation, _ message: String
  ) {
    if from == .void {
      sink.error(location, "a void call has no value to use")
    } else if !from.isAssignable(to: to) {
      sink.error(location, message)
    }
  }

  func loopBound(_ expr: Expr?, implicit: Int?, at location: SourceLocation, isFor: Bool)
    -> Int32
  {
    if let expr {
      guard let (value, _) = constantValue(expr), value.tag == .int else {
        sink.error(expr.location, "loop bound must be a constant integer")
        return 1
      }
      guard value.bits >= 1, value.bits <= 1_000_000 else {
        sink.error(expr.location, "loop bound must be between 1 and 1000000, not \(value.bits)")
        return 1
      }
      return Int32(value.bits)
    }
    if let implicit { return Int32(max(implicit, 0)) }
    if isFor {
      sink.error(
        location,
        "loop needs a bound: write 'for (i = A; i < B; i++)' with constant A and B, or add 'bound N' after ')'"
      )
    } else {
      sink.error(
        location,
        "loop needs a bound: add 'bound N' after the condition, as in 'while (cond) bound 8 { ... }'"
      )
    }
    return 1
  }

  /// The iteration count of `for (i = A; i op B; i += c)` with constant A, B and c.
  func staticIterations(initial: Stmt?, condition: Expr?, step: Stmt?) -> Int? {
    guard let initial, let condition, let step else { return nil }
    var variable: String
    var first: Int64
    switch initial.kind {
    case .local(_, let name, let value?):
      guard let (v, _) = constantValue(value) else { return nil }
      variable = name
      first = v.bits
    case .assign("=", let target, let value):
      guard case .name(let name) = target.kind, let (v, _) = constantValue(value) else {
        return nil
      }
      variable = name
      first = v.bits
    default: return nil
    }
    // In 128 bits, so that no bound near the ends of the 64-bit range can overflow.
    var delta: Int128
    switch step.kind {
    case .increment(let target, let d):
      guard case .name(variable) = target.kind else { return nil }
      delta = Int128(d)
    case .assign(let op, let target, let value) where op == "+=" || op == "-=":
      guard case .name(variable) = target.kind, let (v, _) = constantValue(value), v.bits != 0
      else { return nil }
      delta = op == "+=" ? Int128(v.bits) : -Int128(v.bits)
    default: return nil
    }
    guard case .binary(let op, let left, let right) = condition.kind,
      case .name(variable) = left.kind,
      let (limitValue, _) = constantValue(right)
    else { return nil }
    let limit = Int128(limitValue.bits)
    let start = Int128(first)
    // The counter steps past the limit before the loop ends: it must stay a 64-bit integer.
    guard limit + delta >= Int128(Int64.min), limit + delta <= Int128(Int64.max) else {
      sink.error(
        condition.location,
        "loop bound out of range: the counter would step past \(limitValue.bits) by \(delta) "
          + "and overflow")
      return 1
    }
    var count: Int128
    switch (op, delta > 0) {
    case ("<", true): count = limit > start ? (limit - start + delta - 1) / delta : 0
    case ("<=", true): count = limit >= start ? (limit - start) / delta + 1 : 0
    case (">", false): count = start > limit ? (start - limit + (-delta) - 1) / -delta : 0
    case (">=", false): count = start >= limit ? (start - limit) / -delta + 1 : 0
    case ("!=", _):
      guard (limit - start) % delta == 0, (limit - start) / delta >= 0 else { return nil }
      count = (limit - start) / delta
    default: return nil
    }
    guard count <= 1_000_000 else { return nil }
    return Int(count)
  }
}
