" Vim syntax file for eptcheck's .ept specification language.
if exists("b:current_syntax")
  finish
endif

syn keyword eptConditional if else
syn keyword eptRepeat while for do
syn keyword eptStatement return break continue bound atomic await select when
syn keyword eptKeyword assert expect ok violation override init finally shared const
syn keyword eptStructure scenario thread variant of
syn keyword eptType int long u64 u32 u16 u8 s64 s32 gfn_t gpa_t kvm_pfn_t hpa_t bool void ptr
syn keyword eptType rwlock rwlock_t spinlock spinlock_t spte_t
syn keyword eptBoolean true false
syn match eptAttribute "@\(kernel\|progress\)\>"
syn match eptKernelConstant "\<[A-Z][A-Z0-9_]\{2,}\>"
syn match eptNumber "\<\(0[xX]\x\+\|\d\+\)\>"
syn region eptString start=+"+ skip=+\\.+ end=+"+
syn match eptComment "//.*$" contains=@Spell
syn region eptComment start="/\*" end="\*/" contains=@Spell

hi def link eptConditional Conditional
hi def link eptRepeat Repeat
hi def link eptStatement Statement
hi def link eptKeyword Keyword
hi def link eptStructure Structure
hi def link eptType Type
hi def link eptBoolean Boolean
hi def link eptAttribute PreProc
hi def link eptKernelConstant Constant
hi def link eptNumber Number
hi def link eptString String
hi def link eptComment Comment

let b:current_syntax = "ept"
