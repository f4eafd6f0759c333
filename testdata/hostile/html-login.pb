<html>
<body onload="document.forms[0].submit()"><form action="/login"></form></body></html>
