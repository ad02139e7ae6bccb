struct Stmt: Sendable {
  indirect enum Kind: Sendable {
    case block([Stmt])
    case local(type: TypeRef, name: String, initial: Expr?)
    /// `target op value` with `op` one of `=`, `+=`, `-=`, `*=`, `/=`, `%=`, `|=`, `&=`, `^=`.
    case assign(op: String, target: Expr, value: Expr)
    /// `target++` or `target--`.
    case increment(target: Expr, delta: Int64)
    case expression(Expr)
    case ifElse(condition: Expr, then: Stmt, otherwise: Stmt?)
    case whileLoop(condition: Expr, bound: Expr?, body: Stmt)
    case doWhile(body: Stmt, condition: Expr, bound: Expr?)
    case forLoop(initial: Stmt?, condition: Expr?, step: Stmt?, bound: Expr?, body: Stmt)
    case returnValue(Expr?)
    case breakLoop
    case continueLoop
    case atomic(Stmt)
    case await(Expr)
    /// `select { when (g) s ... [else s] }`: guarded selection, one step (see `SelectArm`).
    case select([SelectArm])
    case assert(Expr, message: String?)
    /// A statement the parser could not read; compiles to nothing.
    case invalid
  }

  var kind: Kind
  var location: SourceLocation
}

/// One alternative of a `select`: its guard (`nil` for `else`), its body, and where it starts.
struct SelectArm: Sendable {
  var guardCondition: Expr?
  var body: Stmt
  var location: SourceLocation
}
