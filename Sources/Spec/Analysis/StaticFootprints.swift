import Explorer

/// What each instruction, region and function of a program may touch, from the builtins'
/// footprint rules and the pointer analysis.
struct StaticFootprints {
  let program: Program
  let pointers: PointerAnalysis
  /// A footprint that conflicts with every other.
  static let everything: Footprint = {
    var all = Footprint()
    for object in 0..<256 { all.insert(object: object, mode: .write) }
    return all
  }()

  /// The footprint of a visible builtin call at `pc`; `everything` when its builtin has no
  /// footprint rule.
  func callFootprint(at pc: Int) -> Footprint {
    guard case .visible(let b, _, let count, _, _) = program.ops[pc] else {
      return Footprint()
    }
    let builtin = program.builtins[Int(b)]
    guard let rule = builtin.footprintRule else { return Self.everything }
    var footprint = Footprint()
    for i in 0..<Int(count) {
      let parameter = builtin.parameters[min(i, builtin.parameters.count - 1)]
      switch parameter.mode {
      case .location, .lock:
        for cell in pointers.cells(at: pc, argument: i).cells {
          footprint.insert(object: cell, mode: rule.argumentMode)
        }
      case .value, .out:
        break
      }
    }
    for access in rule.implicit { footprint.insert(object: access.object, mode: access.mode) }
    return footprint
  }

  /// What instruction `pc` may touch when it runs: a call, a check that marks the VM bugged, the
  /// fixed footprint of a region it opens (see RegionFootprint), or nothing.
  func instructionFootprint(at pc: Int) -> Footprint {
    switch program.ops[pc] {
    case .visible: return callFootprint(at: pc)
    case .check(let kind, _) where kind.bugsVM:
      return Footprint(object: program.vmBuggedCell, mode: .write)
    case .atomicBegin, .awaitBegin:
      // The footprint the engine is given for a region may name more than its calls touch.
      guard let region = program.regionFootprints[Int32(pc)] else { return Footprint() }
      return region.everything ? Self.everything : region.fixed
    default: return Footprint()
    }
  }

  /// The footprint of the step parked at `pc` if it may be invisible: a call with a footprint rule
  /// that offers no choice, or an `atomic` or `await` region made only of such calls (its own and
  /// its callees'); nil for anything else.
  func stepFootprint(at pc: Int) -> Footprint? {
    switch program.ops[pc] {
    case .visible:
      return isRuled(pc) ? callFootprint(at: pc) : nil
    case .atomicBegin(let end), .awaitBegin(let end):
      if program.regionFootprints[Int32(pc)]?.everything == true { return nil }
      var inside = Array((pc + 1)..<Int(end))
      var functions: Set<Int> = []
      for inner in inside {
        if case .call(let g, _, _, _) = program.ops[inner] {
          functions.formUnion(reachable(from: Int(g)))
        }
      }
      for g in functions { inside += pointers.opsOf[g] }
      guard inside.allSatisfy(isRuled) else { return nil }
      var footprint = instructionFootprint(at: pc)
      for inner in inside { footprint.formUnion(instructionFootprint(at: inner)) }
      return footprint
    default:
      return nil
    }
  }

  /// Whether instruction `pc` is no call, or a call whose builtin has a footprint rule and
  /// offers no choice.
  private func isRuled(_ pc: Int) -> Bool {
    guard case .visible(let b, _, _, _, _) = program.ops[pc] else { return true }
    let builtin = program.builtins[Int(b)]
    return builtin.footprintRule != nil && !builtin.isNondeterministic
  }

  /// The functions `entry` may run, itself included.
  func reachable(from entry: Int) -> Set<Int> {
    var seen: Set<Int> = [entry]
    var work = [entry]
    while let f = work.popLast() {
      for pc in pointers.opsOf[f] {
        if case .call(let g, _, _, _) = program.ops[pc], seen.insert(Int(g)).inserted {
          work.append(Int(g))
        }
      }
    }
    return seen
  }

  /// Everything the given functions may touch.
  func union(of functions: Set<Int>) -> Footprint {
    var footprint = Footprint()
    for f in functions {
      for pc in pointers.opsOf[f] { footprint.formUnion(instructionFootprint(at: pc)) }
    }
    return footprint
  }
}

