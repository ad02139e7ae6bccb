/// The ordered tree of sequences still to explore from one node (JACM 2017, §6.2).
///
/// Each path from the root is a *wakeup sequence*: a schedule known to lead to a Mazurkiewicz
/// trace not yet explored. Children are explored left to right; a node's subtree travels down
/// with the child when it is explored.
@usableFromInline struct WakeupTree: Sendable {
  final class Node: @unchecked Sendable {
    let event: Event
    var children: [Node]
    init(event: Event, children: [Node] = []) {
      self.event = event
      self.children = children
    }
  }

  private(set) var children: [Node] = []

  @usableFromInline init() {}

  init(children: [Node]) { self.children = children }

  @usableFromInline var isEmpty: Bool { children.isEmpty }

  /// `insert[E](v, wut)`: walks down the leftmost branch whose event is a weak initial of what
  /// is left of `v`; if it reaches a leaf, some explored-to-be sequence already covers `v` and
  /// nothing changes; otherwise the rest of `v` becomes a new rightmost branch there. Under a
  /// depth bound (`bounded`), only initials count (see `weakInitialIndex`).
  mutating func insert(_ sequence: [Event], bounded: Bool = false) {
    var rest = sequence
    var level = children
    var parent: Node? = nil
    descend: while true {
      for child in level {
        if let k = rest.weakInitialIndex(of: child.event, bounded: bounded) {
          if child.children.isEmpty { return }
          if k < rest.count { rest.remove(at: k) }
          parent = child
          level = child.children
          continue descend
        }
      }
      break
    }
    guard !rest.isEmpty else { return }
    var branch = Node(event: rest[rest.count - 1])
    for event in rest.dropLast().reversed() { branch = Node(event: event, children: [branch]) }
    if let parent {
      parent.children.append(branch)
    } else {
      children.append(branch)
    }
  }

  /// Removes the leftmost child and returns its event and its subtree.
  @usableFromInline mutating func popFirst() -> (Event, WakeupTree)? {
    guard !children.isEmpty else { return nil }
    let first = children.removeFirst()
    return (first.event, WakeupTree(children: first.children))
  }
}
