// Invariant hooks: functions the checker calls by itself (`@invariant`, `@on_release`), so that
// every scenario checks an invariant where the protocol states it, also on paths a patch adds.
extension Compiler {
  /// The release builtins and whether each releases for write (`spin_unlock` counts as write:
  /// it ends exclusive ownership).
  static let releases: [String: Bool] = [
    "write_unlock": true, "read_unlock": false, "spin_unlock": true,
  ]

  /// Before the statement `release(&lock);`, the lock's hooks for that mode, as one step of
  /// their own just before the release (like an `atomic`). A hook that touches no shared state
  /// has an empty footprint, so that step is invisible and adds no state. Hooks never run inside
  /// a hook, nor in `init` and `finally` (which hold no locks).
  func compileReleaseHooks(_ stmt: Stmt, _ expr: Expr) {
    guard context == .function, !compilingHook,
      case .call(let name, let arguments) = expr.kind, let write = Self.releases[name],
      arguments.count == 1, case .unary("&", let operand) = arguments[0].value.kind,
      case .name(let lock) = operand.kind, lookupLocal(lock) == nil,
      let hooks = releaseHooks[ReleaseKey(lock: lock, write: write)], !hooks.isEmpty
    else { return }
    compilingHook = true
    defer { compilingHook = false }
    let calls = Stmt(
      kind: .block(
        hooks.map { hook in
          Stmt(
            kind: .expression(
              Expr(
                kind: .call(name: hook, arguments: []), location: expr.location, start: expr.start,
                end: expr.end)), location: stmt.location)
        }), location: stmt.location)
    // Inside an `atomic` the hooks are part of that step already.
    if atomicDepth > 0 {
      _ = statement(calls)
      return
    }
    let begin = emit(
      .atomicBegin(end: 0), stmt.location, text: hooks.map { "\($0)()" }.joined(separator: "; "))
    regionFootprints[Int32(begin)] = regionFootprint(body: calls, condition: nil)
    atomicDepth += 1
    _ = statement(calls)
    atomicDepth -= 1
    _ = emit(.atomicEnd, stmt.location)
    closeRegion(begin, stmt.location, unsharedWarning: nil)
  }

  /// Collects and checks the hooks of the declared functions: a hook takes no parameters and
  /// returns nothing, and a release hook names a lock declared at top level.
  func collectHooks() {
    for (index, entry) in functionDecls.enumerated() {
      let decl = entry.decl
      guard !decl.hooks.isEmpty else { continue }
      let signature = signatures[index]
      if !signature.parameters.isEmpty || signature.result != .void {
        sink.error(
          decl.location,
          "'\(decl.name)' is a hook ('@invariant' or '@on_release'): it must be 'void \(decl.name)()'"
        )
        continue
      }
      for hook in decl.hooks {
        switch hook {
        case .final:
          finalHooks.append(decl.name)
        case .release(let lock, let write, let location):
          guard case .shared(_, nil, let type)? = globals[lock]?.0,
            type == .rwlock || type == .spinlock
          else {
            sink.error(location, "'@on_release' names '\(lock)', which is not a lock")
            continue
          }
          if type == .spinlock && !write {
            sink.error(location, "'\(lock)' is a spinlock: it is released only for write")
            continue
          }
          releaseHooks[ReleaseKey(lock: lock, write: write), default: []].append(decl.name)
        }
      }
    }
  }

  /// A scenario's `finally` with the `@invariant` functions called first.
  func finallyWithInvariants(_ block: Stmt?, at location: SourceLocation) -> Stmt? {
    guard !finalHooks.isEmpty else { return block }
    let calls = finalHooks.map { hook in
      Stmt(
        kind: .expression(
          Expr(kind: .call(name: hook, arguments: []), location: location, start: 0, end: 0)),
        location: location)
    }
    return Stmt(
      kind: .block(calls + (block.map { [$0] } ?? [])), location: block?.location ?? location)
  }
}

/// A lock and a release mode, the key of the `@on_release` hooks.
struct ReleaseKey: Hashable {
  var lock: String
  var write: Bool
}
