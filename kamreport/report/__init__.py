"""kamreport.report"""
