# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
# bench/plot.sh: sourced by the bench scripts that write an SVG beside their CSV (whole.sh,
# client_cpu.sh, lean_study.sh, fleet.sh), so the chart is drawn one way.
#
# bars_svg DATA SVG TITLE YLABEL SCALE SERIES...
#   DATA: one line per bar group, whitespace-separated: the group's label (in double quotes if
#   it holds spaces), then one value per SERIES ("-" where there is none: no bar). SCALE: log
#   or linear. SERIES: the legend of each value column. Writes SVG with gnuplot and prints
#   "SVG: path"; without gnuplot prints a note and writes nothing.

bars_svg() {
    _data=$1 _svg=$2 _title=$3 _ylabel=$4 _scale=$5
    shift 5
    if ! command -v gnuplot >/dev/null; then
        echo "(gnuplot not installed: no SVG)"
        return 0
    fi
    _col=2
    _plot=""
    for _series in "$@"; do
        if [ $_col = 2 ]; then
            _plot="'$_data.nan' using 2:xticlabels(1) title \"$_series\""
        else
            _plot="$_plot, '' using $_col title \"$_series\""
        fi
        _col=$((_col + 1))
    done
    sed 's/ -\( \|$\)/ NaN\1/g; s/ -\( \|$\)/ NaN\1/g' "$_data" >"$_data.nan"
    if [ "$_scale" = log ]; then _range="set logscale y"; else _range="set yrange [0:*]"; fi
    gnuplot <<GP
set terminal svg size 1000,500 dynamic noenhanced
set output "$_svg"
set title "$_title"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
$_range
set ylabel "$_ylabel"
set key below
set xtics rotate by -25 font ",9"
plot $_plot
GP
    rm -f "$_data.nan"
    echo "SVG: $_svg"
}
