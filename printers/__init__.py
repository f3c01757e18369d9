"""printers"""
