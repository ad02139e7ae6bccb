import Testing

@testable import Explorer

/// `WakeupTree.insert` and weak initials on small hand examples (JACM 2017, §6.2).
@Suite struct WakeupTreeTests {
  /// `t<thread>` writing object `object`.
  static func w(_ thread: Int, _ object: Int, choice: Int = 0) -> Event {
    Event(thread: thread, choice: choice, footprint: Footprint([(object: object, mode: .write)]))
  }
  static func r(_ thread: Int, _ object: Int) -> Event {
    Event(thread: thread, choice: 0, footprint: Footprint([(object: object, mode: .read)]))
  }
  static func local(_ thread: Int, choice: Int) -> Event {
    Event(thread: thread, choice: choice, footprint: .empty)
  }

  /// The tree as text: each node `t<thread>[/choice]`, children in brackets, left to right.
  static func render(_ tree: WakeupTree) -> String {
    func node(_ n: WakeupTree.Node) -> String {
      let name = n.event.choice == 0 ? "t\(n.event.thread)" : "t\(n.event.thread)/\(n.event.choice)"
      return n.children.isEmpty ? name : "\(name)[\(n.children.map(node).joined(separator: " "))]"
    }
    return tree.children.map(node).joined(separator: " ")
  }

  @Test func aSequenceIntoAnEmptyTreeBecomesOneBranch() {
    var tree = WakeupTree()
    #expect(tree.isEmpty)
    tree.insert([Self.w(0, 0), Self.w(1, 0)])
    #expect(Self.render(tree) == "t0[t1]")
    let (first, rest) = tree.popFirst()!
    #expect(first == Self.w(0, 0))
    #expect(Self.render(rest) == "t1")
    #expect(tree.isEmpty)
    #expect(tree.popFirst() == nil)
  }

  @Test func theEmptySequenceChangesNothing() {
    var tree = WakeupTree()
    tree.insert([])
    #expect(tree.isEmpty)
  }

  @Test func aSequenceEndingAtALeafIsCovered() {
    var tree = WakeupTree()
    tree.insert([Self.w(0, 0)])
    tree.insert([Self.w(0, 0)])
    #expect(Self.render(tree) == "t0")
  }

  @Test func anIndependentLeafOfAnotherThreadIsAWeakInitialAndCovers() {
    // t0 writes object 1, t1 writes object 0: t0 is a weak initial of [t1] (t0 does not occur
    // in it and commutes with it), so t0 . t1 already covers the trace of t1.
    var tree = WakeupTree()
    tree.insert([Self.w(0, 1)])
    tree.insert([Self.w(1, 0)])
    #expect(Self.render(tree) == "t0")
  }

  @Test func aConflictingSequenceBecomesANewRightmostBranch() {
    var tree = WakeupTree()
    tree.insert([Self.w(0, 0)])
    tree.insert([Self.w(1, 0)])
    #expect(Self.render(tree) == "t0 t1")
    let (first, _) = tree.popFirst()!
    #expect(first.thread == 0)
    #expect(Self.render(tree) == "t1")
  }

  @Test func insertionWalksDownThroughWeakInitials() {
    var tree = WakeupTree()
    tree.insert([Self.w(0, 0), Self.w(1, 0)])
    // [t2 w1, t0 w0]: t0 is an initial (first of its thread, nothing before it depends on it);
    // what is left, [t2 w1], is covered by the leaf t1 (independent, thread absent).
    tree.insert([Self.w(2, 1), Self.w(0, 0)])
    #expect(Self.render(tree) == "t0[t1]")
    // [t0 w0, t2 w0]: below t0, t1 w0 conflicts with t2 w0: a new branch under t0.
    tree.insert([Self.w(0, 0), Self.w(2, 0)])
    #expect(Self.render(tree) == "t0[t1 t2]")
  }

  @Test func aStepAfterADependentStepIsNotAnInitial() {
    var tree = WakeupTree()
    tree.insert([Self.w(0, 0)])
    tree.insert([Self.w(1, 0), Self.w(0, 0)])
    #expect(Self.render(tree) == "t0 t1[t0]")
  }

  @Test func anotherChoiceOfTheSameStepIsNotAWeakInitial() {
    var tree = WakeupTree()
    tree.insert([Self.local(0, choice: 0)])
    tree.insert([Self.local(0, choice: 1)])
    #expect(Self.render(tree) == "t0 t0/1")
    tree.insert([Self.local(0, choice: 1)])
    #expect(Self.render(tree) == "t0 t0/1")
  }

  @Test func readsOfOneObjectCommute() {
    var tree = WakeupTree()
    tree.insert([Self.r(0, 0)])
    tree.insert([Self.r(1, 0)])
    #expect(Self.render(tree) == "t0")
    tree.insert([Self.w(1, 0)])
    #expect(Self.render(tree) == "t0 t1")
  }

  @Test func weakInitials() {
    let v = [Self.w(1, 0), Self.w(0, 1), Self.w(2, 0)]
    // t1 is the first step: an initial; the remainder drops it.
    #expect(v.removingWeakInitial(Self.w(1, 0)) == [Self.w(0, 1), Self.w(2, 0)])
    // t0 w1 commutes with the t1 w0 before it: an initial.
    #expect(v.removingWeakInitial(Self.w(0, 1)) == [Self.w(1, 0), Self.w(2, 0)])
    // t2 w0 comes after t1 w0, which conflicts with it: not an initial.
    #expect(v.removingWeakInitial(Self.w(2, 0)) == nil)
    // t3 does not occur and commutes with everything (object 2): a weak initial; v unchanged.
    #expect(v.removingWeakInitial(Self.w(3, 2)) == v)
    // t3 does not occur but conflicts with t1 w0: not a weak initial.
    #expect(v.removingWeakInitial(Self.w(3, 0)) == nil)
    // t1 with another choice: not a weak initial.
    #expect(v.removingWeakInitial(Self.w(1, 0, choice: 1)) == nil)
  }
}
