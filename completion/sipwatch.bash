# SPDX-License-Identifier: BSD-2-Clause
# bash completion for sipwatch: options, their arguments (capture files,
# interfaces, users, levels, languages), and the words of a BPF filter.
_sipwatch()
{
	local cur prev opts
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	opts="-r -i -w -c -s -Z -p -B -D -n -v -U -e -C -G -W -H -L -m -j -q -h -V
	      --sides --no-pair --report --messages --json --tui --fail-on --ignore-resolved
	      --lang --max-messages --threads --html --ladder --width --annotate --aor --call-id
	      --select --hep-send --hep-listen --hep-id --hep-pass --hep-findings
	      --no-hep-findings --help --version"
	case $prev in
	-r | -w | --sides | --html)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-i)
		COMPREPLY=($(compgen -W "any $(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		return
		;;
	-Z)
		COMPREPLY=($(compgen -u -- "$cur"))
		return
		;;
	--fail-on)
		COMPREPLY=($(compgen -W "info warning error" -- "$cur"))
		return
		;;
	--lang)
		COMPREPLY=($(compgen -W "en zh" -- "$cur"))
		return
		;;
	--threads)
		COMPREPLY=($(compgen -W "1 2" -- "$cur"))
		return
		;;
	-c | -s | -B | -C | -G | -W | -H | -L | --max-messages | --width | --aor | --call-id | \
	--select | --hep-send | --hep-listen | --hep-id | --hep-pass)
		return
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -W "udp tcp sctp icmp icmp6 ip ip6 port portrange host net src dst
	                         and or not vlan" -- "$cur"))
}
complete -F _sipwatch sipwatch
