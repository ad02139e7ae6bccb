import Explorer

// The footprint of `atomic` and `await` regions, for the invisible-steps analysis.
extension Compiler {
  /// What an `atomic` block or `await` region may touch, over every path through it and through
  /// the functions it calls (see `RegionFootprint`).
  func regionFootprint(body: Stmt?, condition: Expr?) -> RegionFootprint {
    var walker = RegionWalker(compiler: self)
    if let body { walker.statement(body) }
    if let condition { walker.expression(condition, writes: false) }
    var fixed = Footprint()
    for (name, exclusive) in walker.globals.sorted(by: { $0.key < $1.key }) {
      guard case .shared(let cell, let length, _)? = globals[name]?.0 else { continue }
      for c in cell..<(cell + (length ?? 1)) { fixed.insert(object: c, mode: exclusive ? .write : .read) }
    }
    if walker.bugsVM { fixed.insert(object: Library.vmBuggedCell, mode: .write) }
    for object in walker.implicitWrites { fixed.insert(object: object, mode: .write) }
    if walker.acquiresLock || condition != nil { fixed.markBlocking() }
    var pointers: [(slot: Int32, exclusive: Bool)] = []
    var everything = walker.everything
    for (name, exclusive) in walker.dereferences {
      if walker.assignedLocals.contains(name) {
        everything = true
      } else if let index = lookupLocal(name) {
        pointers.append((locals[index].slot, exclusive))
      } else {
        everything = true
      }
    }
    return RegionFootprint(fixed: fixed, pointers: pointers, everything: everything)
  }
}
