import Explorer

// Guarded selection: `select { when (g) s ... [else s] }`.
extension Compiler {
  /// Compiles a `select` as an `await` region that evaluates every guard and picks an enabled
  /// alternative (`Op.selectEnd`), followed by local code that jumps to the chosen body. The
  /// guards and the choice are one step, as Promela's `if :: g -> s fi`; the chosen body's local
  /// code up to its next scheduling point runs inside that step too, as after any step. The
  /// region's footprint is every guard's reads, fixed at compile time like an `await`'s, so a
  /// step that can change a guard is dependent on the select.
  func select(_ arms: [SelectArm], _ stmt: Stmt) -> Bool {
    let mark = nextSlot
    if context != .function { sink.error(stmt.location, "'select' is only allowed in functions") }
    if atomicDepth > 0 {
      sink.error(stmt.location, "'select' cannot be used inside 'atomic' or 'await'")
    }
    if arms.count > Library.maxChoices {
      sink.error(
        stmt.location, "a select has at most \(Library.maxChoices) alternatives, not \(arms.count)")
    }
    let whens = arms.compactMap(\.guardCondition)
    let hasElse = arms.contains { $0.guardCondition == nil }
    let chosen = temp()
    let guards = nextSlot
    for _ in whens { _ = temp() }
    let text =
      "select { "
      + arms.map { arm in
        arm.guardCondition.map { "when (\(self.text($0)))" } ?? "else"
      }.joined(separator: " ") + " }"
    let begin = emit(.awaitBegin(end: 0), stmt.location, text: text)
    let condition = whens.dropFirst().reduce(whens.first) { all, g in
      all.map {
        Expr(kind: .binary("||", $0, g), location: $0.location, start: $0.start, end: g.end)
      }
    }
    regionFootprints[Int32(begin)] = regionFootprint(body: nil, condition: condition)
    atomicDepth += 1
    for (i, g) in whens.enumerated() {
      let slot = guards + Int32(i)
      let v = expression(g, into: slot)
      if !(v.type.isNumeric || v.type == .spte) {
        sink.error(g.location, "a guard must be int or bool, not \(v.type)")
      }
      if v.slot != slot { _ = emit(.move(dst: slot, src: v.slot), g.location) }
    }
    atomicDepth -= 1
    _ = emit(
      .selectEnd(guards: guards, count: Int32(whens.count), chosen: chosen, hasElse: hasElse),
      stmt.location)
    closeRegion(
      begin, stmt.location,
      unsharedWarning: "'select' guards read no shared state: once none holds none ever will")
    nextSlot = guards
    // The dispatch: `when`s in order, then the `else`, each body once.
    let order =
      arms.indices.filter { arms[$0].guardCondition != nil }
      + arms.indices.filter { arms[$0].guardCondition == nil }
    var exits: [Int] = []
    var falls = false
    for (index, arm) in order.enumerated() {
      var skip: Int? = nil
      if index < order.count - 1 {
        let k = temp()
        let test = temp()
        _ = emit(.constant(dst: k, value: .int(Int64(index))), arms[arm].location)
        _ = emit(.binary(.equal, dst: test, a: chosen, b: k), arms[arm].location)
        skip = emit(.branchFalse(condition: test, target: 0), arms[arm].location)
        nextSlot = guards
      }
      if statement(arms[arm].body) {
        falls = true
        if index < order.count - 1 { exits.append(emit(.jump(target: 0), arms[arm].location)) }
      }
      if let skip { patch(skip, target: ops.count) }
    }
    for exit in exits { patch(exit, target: ops.count) }
    nextSlot = mark
    return falls
  }
}
