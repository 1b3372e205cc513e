/* ocf-promote: make this node the active gateway */
#include "cli.h"
#include "transition.h"

int
main(int argc, char *argv[])
{
	return ocf_cli_transition(argc, argv, ocf_promote);
}
