// Package bedtest holds bridge/sip's tests against the local SIP test bed
// (Kamailio and the far end, package testbed). They live apart from the
// package so that its fuzz targets build without pion and sipgo.
package bedtest
