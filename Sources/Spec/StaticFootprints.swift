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
  /// that offers no choice, or an `atomic` or `await` region; nil for anything else.
  func stepFootprint(at pc: Int) -> Footprint? {
    switch program.ops[pc] {
    case .visible(let b, _, _, _, _):
      let builtin = program.builtins[Int(b)]
      guard builtin.footprintRule != nil, !builtin.isNondeterministic else { return nil }
      return callFootprint(at: pc)
    case .atomicBegin(let end), .awaitBegin(let end):
      var footprint = Footprint()
      var called: [Int] = []
      for inner in (pc + 1)..<Int(end) {
        if case .visible(let b, _, _, _, _) = program.ops[inner] {
          let builtin = program.builtins[Int(b)]
          if builtin.footprintRule == nil || builtin.isNondeterministic { return nil }
        }
        footprint.formUnion(instructionFootprint(at: inner))
        if case .call(let g, _, _, _) = program.ops[inner] { called.append(Int(g)) }
      }
      var functions: Set<Int> = []
      if program.regionFootprints[Int32(pc)]?.everything == true { return nil }
      footprint.formUnion(instructionFootprint(at: pc))
      for g in called { functions.formUnion(reachable(from: g)) }
      for g in functions {
        for inner in pointers.opsOf[g] {
          if case .visible(let b, _, _, _, _) = program.ops[inner],
            program.builtins[Int(b)].footprintRule == nil || program.builtins[Int(b)].isNondeterministic
          {
            return nil
          }
          footprint.formUnion(instructionFootprint(at: inner))
        }
      }
      return footprint
    default:
      return nil
    }
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

