// SPDX-License-Identifier: GPL-2.0
/* A made-up kernel file: enough C to find three functions in. */
#include "tdp_mmu.h"

#define map_one(x) do_not_match(x)

static int set_one(struct kvm *kvm, int x);

static void zap_one(struct kvm *kvm)
	__must_hold(&kvm->mmu_lock)
{
	/* A brace in a comment: { */
	pr_debug("a brace in a string: {\n");
	set_one(kvm, 0);
}

static int set_one(struct kvm *kvm, int x)
{
	if (x)
		return -EBUSY;
	return 0;
}

#ifdef CONFIG_X86_64
int map_one(struct kvm *kvm,
	    gfn_t gfn)
{
	return set_one(kvm, gfn);
}
#endif
