# SPDX-License-Identifier: GPL-2.0
# Sourced by the check-deb guest scripts (installed as /step.sh in the
# image): step NAME CMD... runs CMD with its output between markers, then
# its status, in the form check-deb.sh parses:
#   VMACCT-DEB-OUT-BEGIN NAME ... VMACCT-DEB-OUT-END NAME
#   VMACCT-DEB-STEP NAME rc=STATUS
step() {
	name=$1
	shift
	echo "VMACCT-DEB-OUT-BEGIN $name"
	"$@" 2>&1
	rc=$?
	echo "VMACCT-DEB-OUT-END $name"
	echo "VMACCT-DEB-STEP $name rc=$rc"
}
