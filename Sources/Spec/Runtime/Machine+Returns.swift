import Explorer

extension Machine {
  /// Runs a step as `execute` does and notes every function that returns in the local code
  /// after it, with the value it returned: what a trace shows of a SEAMCALL's status.
  ///
  /// For traces only, so the search's `settle` stays as fast as it is: this walks the same
  /// instructions one by one. The caller compares the thread it ends with against the real
  /// step's and drops the notes if the two ever differ, so a trace never shows a wrong status.
  func executeNotingReturns(
    _ ts: inout ThreadState, thread: Int, choice: Int, cells: inout SharedCells
  ) -> [(function: Int, value: Value)] {
    guard ts.pc >= 0 else { return [] }
    var touched = Footprint()
    let violation = perform(&ts, thread: thread, choice: choice, cells: &cells, touched: &touched)
    var returns: [(function: Int, value: Value)] = []
    var fuel = Machine.fuel
    var raised = violation != nil
    var parksAtNextPoint = raised
    let ops = program.ops
    while ts.pc >= 0 {
      fuel -= 1
      if fuel == 0 { return returns }
      switch ops[Int(ts.pc)] {
      case .visible, .atomicBegin, .awaitBegin:
        guard !raised, !parksAtNextPoint,
          invisibleSteps?.contains(thread: thread, pc: ts.pc) == true,
          case .enabled(_, let choices) = status(ts, thread: thread, cells: cells), choices == 1
        else { return returns }
        var scratch = Footprint()
        raised = perform(&ts, thread: thread, choice: 0, cells: &cells, touched: &scratch) != nil
      case .check(let kind, let condition):
        if kind.fires(ts.slots[Int(ts.base + condition)]) { return returns }
        ts.pc += 1
      case .loopCheck(let counter, let bound, let isRetry):
        if !enterIteration(&ts, counter: counter, bound: bound) { return returns }
        parksAtNextPoint = parksAtNextPoint || isRetry
      case .atomicEnd, .awaitEnd, .selectEnd:
        ts.pc += 1
      case let op:
        if case .ret(let src) = op {
          let value = src >= 0 ? ts.slots[Int(ts.base + src)] : .zero
          returns.append((Int(program.sites[Int(ts.pc)].function), value))
        }
        if !local(op, &ts, thread: thread, cells: cells) { return returns }
      }
    }
    return returns
  }
}
