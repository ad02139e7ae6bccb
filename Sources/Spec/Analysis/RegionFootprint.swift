import Explorer

/// The footprint of an `atomic` block or an `await`, fixed when the spec is compiled.
///
/// The engine requires a step's footprint to depend only on the thread's own state (see
/// `TransitionSystem`). A region's branches may depend on shared values, so the footprint of
/// the path one execution takes would shrink and grow with those values; instead a region's
/// footprint names every cell of every shared variable the region, or a function it calls, may
/// touch: exclusive if any of them writes it, a read otherwise. A dereference `*p` of a pointer
/// local the region does not assign adds the one cell `p` points to when the step starts; any
/// other dereference makes the region touch all of memory.
struct RegionFootprint: Sendable {
  var fixed: Footprint
  var pointers: [(slot: Int32, exclusive: Bool)]
  var everything: Bool

  /// The footprint for a thread whose frame starts at `base` in `slots`, in a program with
  /// `cellCount` shared cells.
  func footprint(slots: [Value], base: Int32, cellCount: Int) -> Footprint {
    if everything {
      var all = fixed
      for object in 0..<min(cellCount, 256) { all.insert(object: object, mode: .write) }
      return all
    }
    var result = fixed
    for pointer in pointers {
      let value = slots[Int(base + pointer.slot)]
      if value.tag == .pointer {
        result.insert(object: Int(value.bits), mode: pointer.exclusive ? .write : .read)
      }
    }
    return result
  }
}
